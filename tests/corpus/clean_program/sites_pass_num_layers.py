"""The signature's default is one layer, but every construction in the file passes two: the
dropout acts at each site (a default no site relies on is no configuration)."""
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, n_features, hidden, n_layers=1, dropout=0.3):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, n_layers, dropout=dropout, batch_first=True)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out[:, -1])


class Wrapper(nn.Module):
    def __init__(self):
        super().__init__()
        self.small = Decoder(4, 8, n_layers=2)
        self.large = Decoder(4, 16, 2, dropout=0.5)

    def forward(self, x):
        return self.small(x) + self.large(x)


def build():
    torch.manual_seed(0)
    return Decoder(4, 8, n_layers=2), (torch.randn(2, 6, 4),), (2, 3)
