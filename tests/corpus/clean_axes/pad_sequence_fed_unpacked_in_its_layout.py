"""Paddings fed to RNNs without packing, each in the layout the RNN reads: batch first into a
batch-first GRU (through an embedding), the default sequence first into a sequence-first LSTM,
moved with `transpose` or `permute` where the RNN reads the other layout, and a padding whose
layout follows the same flag as the RNN it feeds."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence


class Unpacked(nn.Module):
    def __init__(self, vocab=20, dim=4, hidden=5, batch_first=False):
        super().__init__()
        self.batch_first = batch_first
        self.embedding = nn.Embedding(vocab, dim)
        self.rows = nn.GRU(dim, hidden, batch_first=True)
        self.steps = nn.LSTM(dim, hidden)
        self.either = nn.GRU(dim, hidden, batch_first=batch_first)

    def forward(self, sequences):
        rows = pad_sequence(sequences, batch_first=True)
        _, a = self.rows(self.embedding(rows))
        steps = pad_sequence(sequences)
        _, (b, _) = self.steps(self.embedding(steps))
        _, (c, _) = self.steps(self.embedding(rows).transpose(0, 1))
        _, d = self.rows(self.embedding(steps).permute(1, 0, 2))
        either = pad_sequence(sequences, batch_first=self.batch_first)
        _, e = self.either(self.embedding(either))
        return a[-1] + b[-1] + c[-1] + d[-1] + e[-1]


def build():
    torch.manual_seed(0)
    return Unpacked(), ([torch.randint(0, 20, (n,)) for n in (5, 3, 4)],), (3, 5)
