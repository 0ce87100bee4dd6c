"""A nested function builds each stacked GRU; the closure's width is read when it runs."""
import torch
import torch.nn as nn


class Stack(nn.Module):
    def __init__(self, n_features=6, hidden=8, depth=3):
        super().__init__()

        def block(n_in):
            return nn.GRU(n_in, hidden, batch_first=True, bidirectional=True)

        self.first = block(n_features)
        self.rest = nn.ModuleList([block(2 * hidden) for _ in range(depth - 1)])
        self.fc = nn.Linear(2 * hidden, 2)

    def forward(self, x):
        out, _ = self.first(x)
        for layer in self.rest:
            out, _ = layer(out)
        return self.fc(out.mean(dim=1))


def build():
    torch.manual_seed(0)
    return Stack(), (torch.randn(2, 5, 6),), (2, 2)
