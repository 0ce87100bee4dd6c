"""Methods resolved by Python's C3 order: `Tagger(Recurrent, Plain)` with `Recurrent(Bidirectional)`
takes `build_rnn` from `Bidirectional` (Tagger, Recurrent, Bidirectional, Plain), not from
`Plain`, which a breadth-first walk of the bases would reach first; the head is sized for the
bidirectional LSTM it gets."""
import torch
import torch.nn as nn


class Bidirectional:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True, bidirectional=True)


class Plain:
    def build_rnn(self, n_in, hidden):
        return nn.LSTM(n_in, hidden, batch_first=True)


class Recurrent(Bidirectional):
    pass


class Tagger(Recurrent, Plain, nn.Module):
    def __init__(self, n_in=6, hidden=10, n_tags=4):
        super().__init__()
        self.rnn = self.build_rnn(n_in, hidden)
        self.head = nn.Linear(2 * hidden, n_tags)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)


def build():
    torch.manual_seed(0)
    return Tagger(), (torch.randn(3, 5, 6),), (3, 5, 4)
