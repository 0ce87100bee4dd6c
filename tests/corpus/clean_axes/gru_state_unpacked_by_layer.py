"""A two-layer GRU's `h_n` unpacked into its layers on purpose, `lower, upper = h_n`: a
tensor unpacks along axis 0, and both halves are (batch, hidden)."""
import torch
import torch.nn as nn


class TwoLevelSummary(nn.Module):
    def __init__(self, n_features=4, hidden=7, n_classes=3):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, num_layers=2, batch_first=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        lower, upper = h_n
        return self.fc(torch.cat([lower, upper], dim=1))


def build():
    torch.manual_seed(0)
    return TwoLevelSummary(), (torch.randn(3, 6, 4),), (3, 3)
