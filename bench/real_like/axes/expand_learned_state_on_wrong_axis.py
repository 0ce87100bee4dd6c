"""A learned initial state of shape (num_layers, 1, hidden) expanded along axis 0: the batch
slot of `h_0` is axis 1."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "roles from use"
EFFECT = "raises"
ERROR = "Expected hidden size"  # what torch says


class LearnedStart(nn.Module):
    def __init__(self, n_features=4, hidden=8, layers=1):
        super().__init__()
        self.h0 = nn.Parameter(torch.zeros(layers, 1, hidden))
        self.gru = nn.GRU(n_features, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        h0 = self.h0.expand(x.size(0), -1, -1).contiguous()  # expect: RNN006
        _, h_n = self.gru(x, h0)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    return LearnedStart(), (torch.randn(3, 5, 4),)
