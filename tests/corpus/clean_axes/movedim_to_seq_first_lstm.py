"""Batch-first windows moved to time-major with `movedim(1, 0)` for a sequence-first LSTM,
whose first state is sized with `x.size(1)`, the batch axis of the moved tensor."""
import torch
import torch.nn as nn


class TimeMajorForecaster(nn.Module):
    def __init__(self, n_features=3, hidden=12, layers=2, horizon=4):
        super().__init__()
        self.hidden = hidden
        self.layers = layers
        self.lstm = nn.LSTM(n_features, hidden, layers)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, windows):
        x = windows.movedim(1, 0)  # (seq, batch, n_features)
        h0 = torch.zeros(self.layers, x.size(1), self.hidden)
        c0 = torch.zeros(self.layers, x.size(1), self.hidden)
        out, _ = self.lstm(x, (h0, c0))
        return self.head(out[-1])


def build():
    torch.manual_seed(0)
    return TimeMajorForecaster(), (torch.randn(5, 9, 3),), (5, 4)
