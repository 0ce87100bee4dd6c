"""Review classifier: a two-layer LSTM whose last layer's final hidden
state feeds a linear head. Takes batch-first input (batch, seq, input_size).
"""

import torch
import torch.nn as nn

SIZES = {"batch": 4, "seq": 7}


class ReviewClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, num_layers=2, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    model = ReviewClassifier()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
