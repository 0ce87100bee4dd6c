"""Siamese LSTM (MaLSTM) for question similarity: shared encoder, Manhattan distance."""
import torch
import torch.nn as nn


class SiameseLSTM(nn.Module):
    def __init__(self, vocab_size, embedding_dim=20, hidden_size=32, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.encoder = nn.LSTM(embedding_dim, hidden_size, num_layers=num_layers,
                               batch_first=True)

    def encode(self, sentence):
        _, (h_n, _) = self.encoder(self.embedding(sentence))
        return h_n[-1]                      # (batch, hidden_size)

    def forward(self, left, right):
        distance = torch.abs(self.encode(left) - self.encode(right)).sum(dim=1)
        return torch.exp(-distance)         # similarity in (0, 1]


def build():
    torch.manual_seed(0)
    model = SiameseLSTM(vocab_size=40)
    left = torch.randint(0, 40, (4, 7))
    right = torch.randint(0, 40, (4, 5))
    return model, (left, right), (4,)
