"""`repeat` along the last axis lays whole copies one after the other: `(batch, length,
copies * scales)` splits into `(batch, length, copies, scales)`, the copies first. A size-1
axis expanded and a `repeat` over a new leading axis keep their order too."""
import torch
import torch.nn as nn


class Tiled(nn.Module):
    def __init__(self, n_features=4, hidden=6, scales=3, copies=2):
        super().__init__()
        self.scales, self.copies = scales, copies
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.to_scales = nn.Linear(hidden, scales)

    def forward(self, x):
        batch, length = x.size(0), x.size(1)
        out, _ = self.gru(x)
        scores = self.to_scales(out)
        tiled = scores.repeat(1, 1, self.copies).view(batch, length, self.copies, self.scales)
        stacked = scores.unsqueeze(0).repeat(self.copies, 1, 1, 1).view(self.copies * batch, length, self.scales)
        return tiled.mean(2) + stacked.view(self.copies, batch, length, self.scales).mean(0)


def build():
    torch.manual_seed(0)
    return Tiled(), (torch.randn(2, 5, 4),), (2, 5, 3)
