"""Autoregressive generator stepping a batch-first GRU one time step at a time: `x[:, t]` is
unsqueezed to (batch, 1, features), the layout a batch-first GRU expects."""
import torch
import torch.nn as nn


class StepwiseGRU(nn.Module):
    def __init__(self, n_features=5, hidden=11, layers=2):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, layers, batch_first=True)
        self.out = nn.Linear(hidden, n_features)

    def forward(self, x):
        h = None
        outputs = []
        for t in range(x.size(1)):
            out, h = self.gru(x[:, t].unsqueeze(1), h)
            outputs.append(self.out(out[:, 0]))
        return torch.stack(outputs, dim=1)


def build():
    torch.manual_seed(0)
    return StepwiseGRU(), (torch.randn(4, 7, 5),), (4, 7, 5)
