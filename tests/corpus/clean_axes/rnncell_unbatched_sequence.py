"""One unbatched sequence `(seq, features)` read by an RNNCell step by step: each step is
`(features,)` and the state `(hidden,)`, which a cell accepts without a batch axis."""
import torch
import torch.nn as nn


class OneSequence(nn.Module):
    def __init__(self, n_features=3, hidden=5, n_classes=4):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.RNNCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        # x: (seq, n_features), one sequence
        h = torch.zeros(self.hidden)
        for t in range(x.size(0)):
            h = self.cell(x[t], h)
        return self.fc(h)


def build():
    torch.manual_seed(0)
    return OneSequence(), (torch.randn(9, 3),), (4,)
