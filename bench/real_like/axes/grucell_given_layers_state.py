"""A GRUCell given a state shaped for nn.GRU, (1, batch, hidden): a cell's state is (batch,
hidden)."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "recurrent cells"
EFFECT = "raises"
ERROR = "Expected hidden to be 1D or 2D"  # what torch says


class CellDecoder(nn.Module):
    def __init__(self, n_features=5, hidden=7):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(n_features, hidden)
        self.out = nn.Linear(hidden, n_features)

    def forward(self, x):
        h = torch.zeros(1, x.size(0), self.hidden)  # expect: RNN006
        outputs = []
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)
            outputs.append(self.out(h))
        return torch.stack(outputs, dim=1)


def build():
    torch.manual_seed(0)
    return CellDecoder(), (torch.randn(3, 6, 5),)
