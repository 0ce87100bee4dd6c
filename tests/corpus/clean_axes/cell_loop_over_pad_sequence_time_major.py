"""`pad_sequence` without `batch_first` pads to (max_len, batch, features), so
`for t in range(padded.size(0))` walks time and `padded[t]` is one step of every sample."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence


class PaddedCellReader(nn.Module):
    def __init__(self, n_features=3, hidden=6, n_classes=2):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, sequences):
        padded = pad_sequence(sequences)
        lengths = torch.tensor([len(seq) for seq in sequences])
        h = padded.new_zeros(padded.size(1), self.hidden)
        for t in range(padded.size(0)):
            step = self.cell(padded[t], h)
            keep = (t < lengths).unsqueeze(1)  # padded steps leave the state alone
            h = torch.where(keep, step, h)
        return self.fc(h)


def build():
    torch.manual_seed(0)
    return PaddedCellReader(), ([torch.randn(n, 3) for n in (6, 4, 5)],), (3, 2)
