import torch
import torch.nn as nn


class Bridge(nn.Module):
    """(2, batch, hidden) of a bidirectional GRU -> (1, batch, out): both directions of each
    sample side by side, then a Linear."""

    def __init__(self, hidden, out):
        super().__init__()
        self.linear = nn.Linear(2 * hidden, out)

    def forward(self, h_n):
        both = torch.cat([h_n[0], h_n[1]], dim=1)
        return torch.tanh(self.linear(both)).unsqueeze(0)
