import torch.nn as nn


class Encoder(nn.Module):
    """A two-layer LSTM encoder: returns its outputs and its (h_n, c_n) pair."""

    def __init__(self, vocab, emb, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True)

    def forward(self, src):
        outputs, (h_n, c_n) = self.rnn(self.embedding(src))
        return outputs, (h_n, c_n)
