"""An LSTMCell stepped with a lone tensor as its state; it takes and returns `(h, c)`."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "recurrent cells"
EFFECT = "raises"
ERROR = "must be tuple of Tensors"  # what torch says


class Stepper(nn.Module):
    def __init__(self, n_features=3, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(n_features, hidden)
        self.out = nn.Linear(hidden, 2)

    def forward(self, x):
        h = torch.zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)  # expect: RNN007
        return self.out(h)


def build():
    torch.manual_seed(0)
    return Stepper(), (torch.randn(3, 6, 3),)
