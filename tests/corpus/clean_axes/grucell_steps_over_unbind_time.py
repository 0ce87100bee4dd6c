"""A GRUCell encoder over a batch-first input, stepped with `x.unbind(1)`: each item is one
time step `(batch, features)`; there is no counter to get wrong."""
import torch
import torch.nn as nn


class UnbindEncoder(nn.Module):
    def __init__(self, n_features=4, hidden=8, n_classes=3):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        # x: (batch, seq, n_features)
        h = x.new_zeros(x.size(0), self.hidden)
        for step in x.unbind(1):
            h = self.cell(step, h)
        return self.fc(h)


def build():
    torch.manual_seed(0)
    return UnbindEncoder(), (torch.randn(3, 6, 4),), (3, 3)
