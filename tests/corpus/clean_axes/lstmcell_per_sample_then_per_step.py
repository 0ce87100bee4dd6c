"""Two nested loops: the outer one over samples (`range(x.size(0))` with `x[b]`), the inner
one over time (`range(x.size(1))` with `x[b, t]`); each step is a batch of one. Each counter
indexes the axis it counts."""
import torch
import torch.nn as nn


class PerSampleStepper(nn.Module):
    def __init__(self, n_features=5, hidden=6, n_classes=2):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        # x: (batch, seq, n_features)
        finals = []
        for b in range(x.size(0)):
            h = c = x.new_zeros(1, self.hidden)
            for t in range(x.size(1)):
                h, c = self.cell(x[b, t].unsqueeze(0), (h, c))
            finals.append(h[0])
        return self.fc(torch.stack(finals))


def build():
    torch.manual_seed(0)
    return PerSampleStepper(), (torch.randn(4, 7, 5),), (4, 2)
