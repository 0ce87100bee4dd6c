"""Defaults of the tagger; `train.main()` stacks the LSTM before any model is built."""


class Config:
    def __init__(self, vocab_size=50):
        self.vocab_size = vocab_size
        self.embed = 12
        self.hidden_size = 16
        self.num_layers = 1
        self.dropout = 0.5
        self.n_tags = 5
