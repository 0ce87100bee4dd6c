"""`h, c = gru_cell(x, h)`: a GRUCell returns one tensor, (batch, hidden); unpacking it
splits the batch (and raises unless the batch has exactly two samples)."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "recurrent cells"
EFFECT = "raises"
ERROR = "too many values to unpack"  # what torch says


class Decoder(nn.Module):
    def __init__(self, n_features=4, hidden=6):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], h)  # expect: RNN007
        return self.out(h)


def build():
    torch.manual_seed(0)
    return Decoder(), (torch.randn(4, 5, 4),)
