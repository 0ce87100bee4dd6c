"""Final states of both directions joined on the feature axis, then viewed as (batch, 2,
hidden) for a per-direction gate: the view splits features, it never crosses samples."""
import torch
import torch.nn as nn


class GatedDirections(nn.Module):
    def __init__(self, n_features=6, hidden=10, n_classes=3):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(n_features, hidden, batch_first=True, bidirectional=True)
        self.gate = nn.Linear(hidden, 1)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        both = torch.cat([h_n[-2], h_n[-1]], dim=1)          # (batch, 2 * hidden)
        per_direction = both.view(x.size(0), 2, self.hidden)  # (batch, 2, hidden)
        weights = torch.softmax(self.gate(per_direction), dim=1)
        return self.fc((weights * per_direction).sum(dim=1))


def build():
    torch.manual_seed(0)
    return GatedDirections(), (torch.randn(4, 7, 6),), (4, 3)
