"""Activity recogniser: an LSTM regularised with dropout between its
layers, over sequence-first input (seq, batch, input_size).
"""

import torch
from torch import nn

SIZES = {"batch": 4, "seq": 7}


class ActivityRecogniser(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, dropout=0.5)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    model = ActivityRecogniser()
    x = torch.randn(SIZES["seq"], SIZES["batch"], model.input_size)
    return model, (x,)
