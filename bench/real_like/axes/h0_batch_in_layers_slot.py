"""Initial state laid out like the batch-first input, (batch, num_layers, hidden): `h_0` is
(num_layers * num_directions, batch, hidden) whatever `batch_first` says."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "roles from use"
EFFECT = "raises"
ERROR = "Expected hidden size"  # what torch says


class Regressor(nn.Module):
    def __init__(self, n_features=4, hidden=10, num_layers=1):
        super().__init__()
        self.num_layers = num_layers
        self.hidden = hidden
        self.gru = nn.GRU(n_features, hidden, num_layers, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h0 = torch.zeros(x.size(0), self.num_layers, self.hidden)  # expect: RNN006
        out, _ = self.gru(x, h0)
        return self.out(out[:, -1])


def build():
    torch.manual_seed(0)
    return Regressor(), (torch.randn(5, 8, 4),)
