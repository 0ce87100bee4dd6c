"""A literal one-layer LSTM given a dropout parameter whose default is 0.3: the dropout can
never act (it applies between stacked layers), and torch warns when it is built."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "smaller gaps"
EFFECT = "dropout_warning"


class Forecaster(nn.Module):
    def __init__(self, n_features=3, hidden=8, dropout=0.3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, num_layers=1, dropout=dropout, batch_first=True)  # expect: RNN009
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def build():
    torch.manual_seed(0)
    return Forecaster(), (torch.randn(2, 5, 3),)
