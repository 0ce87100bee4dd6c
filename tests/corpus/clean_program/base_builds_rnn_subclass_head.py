"""The base class builds a bidirectional encoder from its `super().__init__` arguments; the
subclass sizes its head for both directions and reuses the inherited `encode`."""
import torch
import torch.nn as nn


class BaseEncoder(nn.Module):
    def __init__(self, n_features, hidden, bidirectional):
        super().__init__()
        self.hidden = hidden
        self.num_directions = 2 if bidirectional else 1
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True, bidirectional=bidirectional)

    def encode(self, x):
        out, _ = self.lstm(x)
        return out[:, -1]


class Sentiment(BaseEncoder):
    def __init__(self, n_features=7, hidden=9):
        super().__init__(n_features, hidden, bidirectional=True)
        self.fc = nn.Linear(hidden * self.num_directions, 2)

    def forward(self, x):
        return self.fc(self.encode(x))


class TimeMajor(BaseEncoder):
    def __init__(self, n_features=7, hidden=9):
        super(TimeMajor, self).__init__(n_features, hidden, False)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        return self.fc(self.encode(x))


def build():
    torch.manual_seed(0)
    return Sentiment(), (torch.randn(4, 6, 7),), (4, 2)
