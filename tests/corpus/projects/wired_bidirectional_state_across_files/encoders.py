import torch.nn as nn


class RNNEncoder(nn.Module):
    """A bidirectional LSTM encoder: each direction has half the model's size."""

    def __init__(self, vocab, emb_size, rnn_size, num_layers, bidirectional):
        super().__init__()
        directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab, emb_size)
        self.rnn = nn.LSTM(emb_size, rnn_size // directions, num_layers=num_layers,
                           bidirectional=bidirectional)

    def forward(self, src):
        memory, state = self.rnn(self.embedding(src))
        return state, memory
