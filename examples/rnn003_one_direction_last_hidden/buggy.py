"""Speaker classifier: a bidirectional two-layer GRU whose final hidden
state feeds a linear head. Takes batch-first input (batch, seq, input_size).
"""

import torch
from torch import nn

SIZES = {"batch": 4, "seq": 7}


class SpeakerClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, num_layers=2, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.gru = nn.GRU(
            input_size, hidden_size, num_layers, batch_first=True, bidirectional=True
        )
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        last = h_n[-1]  # expect: RNN003
        return self.fc(last)


def build():
    torch.manual_seed(0)
    model = SpeakerClassifier()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
