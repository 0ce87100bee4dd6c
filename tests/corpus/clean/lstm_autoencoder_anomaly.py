"""Sequence autoencoder for anomaly detection: the code is repeated over time and decoded."""
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, n_features, embedding_dim=16):
        super().__init__()
        self.hidden_dim = 2 * embedding_dim
        self.rnn1 = nn.LSTM(input_size=n_features, hidden_size=self.hidden_dim, batch_first=True)
        self.rnn2 = nn.LSTM(input_size=self.hidden_dim, hidden_size=embedding_dim,
                            batch_first=True)

    def forward(self, x):
        x, _ = self.rnn1(x)
        _, (hidden_n, _) = self.rnn2(x)
        return hidden_n[-1]                     # (batch, embedding_dim)


class Decoder(nn.Module):
    def __init__(self, seq_len, embedding_dim=16, n_features=1):
        super().__init__()
        self.seq_len = seq_len
        self.hidden_dim = 2 * embedding_dim
        self.rnn1 = nn.LSTM(embedding_dim, embedding_dim, batch_first=True)
        self.rnn2 = nn.LSTM(embedding_dim, self.hidden_dim, batch_first=True)
        self.output_layer = nn.Linear(self.hidden_dim, n_features)

    def forward(self, code):
        x = code.unsqueeze(1).repeat(1, self.seq_len, 1)   # (batch, seq_len, embedding_dim)
        x, _ = self.rnn1(x)
        x, _ = self.rnn2(x)
        return self.output_layer(x)


class RecurrentAutoencoder(nn.Module):
    def __init__(self, seq_len, n_features, embedding_dim=16):
        super().__init__()
        self.encoder = Encoder(n_features, embedding_dim)
        self.decoder = Decoder(seq_len, embedding_dim, n_features)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def build():
    torch.manual_seed(0)
    model = RecurrentAutoencoder(seq_len=7, n_features=2)
    x = torch.randn(3, 7, 2)
    return model, (x,), (3, 7, 2)
