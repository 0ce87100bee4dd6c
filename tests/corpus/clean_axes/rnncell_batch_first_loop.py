"""Elman network stepped by hand over a batch-first input: axis 1 is time, so the loop runs
over `x.size(1)` and reads `x[:, t, :]`."""
import torch
import torch.nn as nn


class ManualElman(nn.Module):
    def __init__(self, n_features=4, hidden=10, n_classes=3):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.RNNCell(n_features, hidden, nonlinearity="tanh")
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        h = torch.zeros(x.size(0), self.hidden)
        states = []
        for t in range(x.size(1)):
            h = self.cell(x[:, t, :], h)
            states.append(h)
        states = torch.stack(states, dim=1)  # (batch, seq, hidden)
        return self.fc(states.mean(dim=1))


def build():
    torch.manual_seed(0)
    return ManualElman(), (torch.randn(5, 8, 4),), (5, 3)
