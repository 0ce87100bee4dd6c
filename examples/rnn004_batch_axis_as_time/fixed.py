"""Demand forecaster: an LSTM over sequence-first input (seq, batch,
input_size); the last time step's output feeds a linear head.
"""

import torch
import torch.nn as nn

SIZES = {"batch": 4, "seq": 7}


class DemandForecaster(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, n_outputs=3):
        super().__init__()
        self.input_size = input_size
        self.lstm = nn.LSTM(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, n_outputs)

    def forward(self, x):
        out, _ = self.lstm(x)
        last = out[-1, :, :]
        return self.fc(last)


def build():
    torch.manual_seed(0)
    model = DemandForecaster()
    x = torch.randn(SIZES["seq"], SIZES["batch"], model.input_size)
    return model, (x,)
