"""Sequence summarizer: a batch-first GRU encodes the sequence, then a GRUCell
reads the encoder's outputs one time step at a time; a linear head scores
the last state.
"""

import torch
import torch.nn as nn

SIZES = {"batch": 4, "seq": 7}


class Summarizer(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, n_outputs=3):
        super().__init__()
        self.input_size = input_size
        self.encoder = nn.GRU(input_size, hidden_size, batch_first=True)
        self.cell = nn.GRUCell(hidden_size, hidden_size)
        self.fc = nn.Linear(hidden_size, n_outputs)

    def forward(self, x):
        enc, _ = self.encoder(x)
        h = None
        for t in range(enc.size(0)):  # expect: RNN012
            h = self.cell(enc[t], h)
        return self.fc(h)


def build():
    torch.manual_seed(0)
    model = Summarizer()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
