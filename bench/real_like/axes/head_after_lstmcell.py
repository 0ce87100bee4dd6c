"""A head built for twice the cell's width: an LSTMCell's `h` is (batch, hidden_size)."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "recurrent cells"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


class CellRegressor(nn.Module):
    def __init__(self, n_features=4, hidden=10):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(n_features, hidden)
        self.fc = nn.Linear(2 * hidden, 1)  # expect: RNN001

    def forward(self, x):
        h = c = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.fc(h)


def build():
    torch.manual_seed(0)
    return CellRegressor(), (torch.randn(3, 6, 4),)
