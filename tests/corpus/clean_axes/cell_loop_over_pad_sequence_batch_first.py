"""`pad_sequence(..., batch_first=True)` pads to (batch, max_len, features): `x[:, t]` with
`range(x.size(1))` is one step of every sample. The layout of a second padding comes from the
caller (`batch_first=self.batch_first`), and its loop over axis 0 is left alone."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence


class BatchFirstCellReader(nn.Module):
    def __init__(self, n_features=3, hidden=6, n_classes=2, batch_first=False):
        super().__init__()
        self.hidden, self.batch_first = hidden, batch_first
        self.cell = nn.LSTMCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, sequences):
        padded = pad_sequence(sequences, batch_first=True)
        h = c = padded.new_zeros(padded.size(0), self.hidden)
        for t in range(padded.size(1)):
            h, c = self.cell(padded[:, t], (h, c))
        other = pad_sequence(sequences, batch_first=self.batch_first)
        g = d = other.new_zeros(len(sequences), self.hidden)
        for t in range(other.size(0)):
            g, d = self.cell(other[t], (g, d))
        return self.fc(h + g)


def build():
    torch.manual_seed(0)
    return BatchFirstCellReader(), ([torch.randn(n, 3) for n in (6, 4, 5)],), (3, 2)
