"""A learned initial state (num_layers, 1, hidden) expanded along axis 1, the batch slot of
`h_0`, to the batch of a batch-first input."""
import torch
import torch.nn as nn


class LearnedStartGRU(nn.Module):
    def __init__(self, n_features=4, hidden=8, layers=2, n_classes=3):
        super().__init__()
        self.h0 = nn.Parameter(torch.zeros(layers, 1, hidden))
        self.gru = nn.GRU(n_features, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        h0 = self.h0.expand(-1, x.size(0), -1).contiguous()
        _, h_n = self.gru(x, h0)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    return LearnedStartGRU(), (torch.randn(3, 5, 4),), (3, 3)
