"""Trajectory classifier: takes batch-first input (batch, seq, input_size)
and runs a sequence-first GRU over it, so the input is reordered first.
"""

import torch
from torch import nn

SIZES = {"batch": 4, "seq": 7}


class TrajectoryClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.gru = nn.GRU(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        x = x.transpose(0, 1)
        _, h_n = self.gru(x)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    model = TrajectoryClassifier()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
