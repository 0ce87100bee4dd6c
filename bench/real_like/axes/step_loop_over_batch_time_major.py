"""`pad_sequence` pads to (max_len, batch, features); the loop then runs over
`range(padded.size(1))`, the batch axis, and feeds `padded[:, t]`, one sample's whole
sequence, to the cell as if it were one time step of the batch."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

ISSUE = 13
CAPABILITY = "step-loop-over-batch"
EFFECT = "raises"
ERROR = "batch size"  # what torch says


class CellReader(nn.Module):
    def __init__(self, n_features=3, hidden=6, n_classes=2):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, sequences):
        padded = pad_sequence(sequences)  # (max_len, batch, n_features)
        h = padded.new_zeros(len(sequences), self.hidden)
        for t in range(padded.size(1)):  # expect: RNN012
            h = self.cell(padded[:, t], h)
        return self.fc(h)


def build():
    torch.manual_seed(0)
    return CellReader(), ([torch.randn(n, 3) for n in (6, 5, 6)],)
