import torch
import torch.nn as nn


class Bridge(nn.Module):
    """(layers * 2, batch, hidden) -> (layers, batch, 2 * hidden): both directions of a layer side by side."""

    def forward(self, state):
        return tuple(torch.cat([part[0::2], part[1::2]], 2) for part in state)


class Reduce(nn.Module):
    """(layers * 2, batch, hidden) -> (batch, hidden): the last layer's two directions, reduced."""

    def __init__(self, hidden):
        super().__init__()
        self.reduce = nn.Linear(2 * hidden, hidden)

    def forward(self, state):
        h_n, _ = state
        batch = h_n.size(1)
        last = h_n.view(-1, 2, batch, h_n.size(2))[-1]
        return self.reduce(last.transpose(0, 1).contiguous().view(batch, -1))
