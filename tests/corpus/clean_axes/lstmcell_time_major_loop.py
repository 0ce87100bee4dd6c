"""Sequence regressor stepping an LSTMCell over a time-major tensor: `for t in range(seq_len)`
walks axis 0, which is time here."""
import torch
import torch.nn as nn


class StepLSTM(nn.Module):
    def __init__(self, n_features=5, hidden=12):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(n_features, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        # x: (seq_len, batch, n_features)
        seq_len, batch, _ = x.shape
        h = x.new_zeros(batch, self.hidden)
        c = x.new_zeros(batch, self.hidden)
        outputs = []
        for t in range(seq_len):
            h, c = self.cell(x[t], (h, c))
            outputs.append(self.out(h))
        return torch.stack(outputs)  # (seq_len, batch, 1)


def build():
    torch.manual_seed(0)
    return StepLSTM(), (torch.randn(7, 3, 5),), (7, 3, 1)
