"""Sequence classifier: a two-layer GRU whose final hidden state feeds a
linear head. Takes batch-first input of shape (batch, seq, input_size).
"""

import torch
import torch.nn as nn

SIZES = {"batch": 4, "seq": 7}


class SequenceClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, num_layers=2, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n)  # expect: RNN002


def build():
    torch.manual_seed(0)
    model = SequenceClassifier()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
