"""Intent classifier: a bidirectional GRU started from an explicit zero
state. Takes batch-first input of shape (batch, seq, input_size).
"""

import torch
from torch import nn

SIZES = {"batch": 4, "seq": 7}


class IntentClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, num_layers=1, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.gru = nn.GRU(
            input_size, hidden_size, num_layers, batch_first=True, bidirectional=True
        )
        self.fc = nn.Linear(2 * hidden_size, n_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size)
        _, h_n = self.gru(x, h0)
        return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))


def build():
    torch.manual_seed(0)
    model = IntentClassifier()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
