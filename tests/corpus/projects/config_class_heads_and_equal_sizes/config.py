class Config:
    bidirectional = True  # class-level settings
    num_layers = 2

    def __init__(self, hidden=20):
        self.hidden = hidden
        self.emb = hidden  # the embedding is as wide as the LSTM, by construction
        self.dropout = 0.1
        self.vocab = 25
