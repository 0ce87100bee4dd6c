"""Speaker verification: `h_n.unflatten(0, (layers, 2))[-1]` is the top layer's two
directions, moved behind the batch axis and flattened to (batch, 2 * hidden)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class VerificationEncoder(nn.Module):
    def __init__(self, n_mels=12, hidden=10, layers=2, dim=8):
        super().__init__()
        self.layers = layers
        self.gru = nn.GRU(n_mels, hidden, layers, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, dim)

    def forward(self, mels):
        _, h_n = self.gru(mels)
        top = h_n.unflatten(0, (self.layers, 2))[-1]  # (2, batch, hidden)
        top = top.movedim(0, 1).flatten(1)            # (batch, 2 * hidden)
        return F.normalize(self.proj(top), dim=-1)


def build():
    torch.manual_seed(0)
    return VerificationEncoder(), (torch.randn(3, 11, 12),), (3, 8)
