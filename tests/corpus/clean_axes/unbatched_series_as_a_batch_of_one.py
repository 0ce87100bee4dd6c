"""One series `(seq, n_features)` given to a sequence-first LSTM as a batch of one:
`series[:, None]` is `(seq, 1, n_features)`, so `out[:, 0]` is that one sample at every step,
one prediction per step."""
import torch
import torch.nn as nn


class StepwiseRegressor(nn.Module):
    def __init__(self, n_features=3, hidden=5):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, series):
        out, _ = self.lstm(series[:, None])
        return self.fc(out[:, 0])


def build():
    torch.manual_seed(0)
    return StepwiseRegressor(), (torch.randn(7, 3),), (7, 1)
