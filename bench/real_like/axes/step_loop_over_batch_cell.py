"""A GRUCell stepped over `range(x.size(0))` of a batch-first input: the loop counts samples,
not time steps, so with fewer samples than steps the end of every sequence is never read."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "step-loop-over-batch"
EFFECT = "differs_from_intended"


class CellEncoder(nn.Module):
    def __init__(self, n_features=4, hidden=8, n_classes=3):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        # x: (batch, seq, n_features)
        h = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(0)):  # expect: RNN012
            h = self.cell(x[:, t], h)
        return self.fc(h)


def intended(model, x):
    h = x.new_zeros(x.size(0), model.hidden)
    for t in range(x.size(1)):
        h = model.cell(x[:, t], h)
    return model.fc(h)


def build():
    torch.manual_seed(0)
    return CellEncoder(), (torch.randn(3, 8, 4),)
