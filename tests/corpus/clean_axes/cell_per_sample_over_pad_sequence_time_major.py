"""A time-major `pad_sequence` (max_len, batch, features) read one sample at a time on
purpose: the outer loop indexes axis 1 (the samples), and an inner loop walks that sample's
own steps, `seq[t:t + 1]` being a batch of one."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence


class PerSampleReader(nn.Module):
    def __init__(self, n_features=3, hidden=6, n_classes=2):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, sequences):
        padded = pad_sequence(sequences)
        finals = []
        for i in range(padded.size(1)):
            seq = padded[:, i]
            h = seq.new_zeros(1, self.hidden)
            for t in range(len(sequences[i])):
                h = self.cell(seq[t:t + 1], h)
            finals.append(h)
        return self.fc(torch.cat(finals, dim=0))


def build():
    torch.manual_seed(0)
    return PerSampleReader(), ([torch.randn(n, 3) for n in (6, 4, 5)],), (3, 2)
