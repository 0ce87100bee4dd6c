import torch
import torch.nn as nn

from experiments import deep, small


class Ensemble(nn.Module):
    def __init__(self, n_features=4):
        super().__init__()
        self.members = nn.ModuleList([small(n_features), deep(n_features)])

    def forward(self, x):
        return torch.stack([member(x) for member in self.members]).mean(0)


def build():
    torch.manual_seed(0)
    return Ensemble(), (torch.randn(3, 10, 4),), (3, 1)
