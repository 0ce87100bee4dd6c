"""Sensor encoder: an LSTM over batch-first readings (batch, seq,
input_size) whose final hidden state feeds a linear head.
"""

import torch
import torch.nn as nn

SIZES = {"batch": 4, "seq": 7}


class SensorEncoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=20, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.lstm = nn.LSTM(input_size, hidden_size, batchfirst=True)  # expect: RNN011
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    model = SensorEncoder()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
