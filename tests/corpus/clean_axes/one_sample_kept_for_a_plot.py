"""A sequence-first forecaster that keeps the first sample's hidden states over time on the
module, for a plot after the forward: `out[:, 0]` picks one sample on purpose. The prediction
reads the last time step, `out[-1]`."""
import torch
import torch.nn as nn


class TracedForecaster(nn.Module):
    def __init__(self, n_features=3, hidden=6):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden)
        self.fc = nn.Linear(hidden, 1)
        self.trace = None

    def forward(self, x):
        # x: (seq, batch, n_features)
        out, _ = self.lstm(x)
        self.trace = out[:, 0].detach()  # (seq, hidden): sample 0 at every step
        return self.fc(out[-1])


def build():
    torch.manual_seed(0)
    return TracedForecaster(), (torch.randn(9, 4, 3),), (4, 1)
