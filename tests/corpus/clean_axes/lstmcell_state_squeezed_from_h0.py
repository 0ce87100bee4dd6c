"""Online predictor: the learned initial state is stored as (1, 1, hidden) like an nn.LSTM's,
expanded to the batch and squeezed to (batch, hidden) before the LSTMCell sees it."""
import torch
import torch.nn as nn


class OnlinePredictor(nn.Module):
    def __init__(self, n_features=4, hidden=8):
        super().__init__()
        self.h0 = nn.Parameter(torch.zeros(1, 1, hidden))
        self.c0 = nn.Parameter(torch.zeros(1, 1, hidden))
        self.cell = nn.LSTMCell(n_features, hidden)
        self.out = nn.Linear(hidden, n_features)

    def forward(self, x):
        # x: (batch, seq, n_features)
        batch = x.size(0)
        h = self.h0.expand(1, batch, -1).squeeze(0)
        c = self.c0.expand(1, batch, -1).squeeze(0)
        predictions = []
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
            predictions.append(self.out(h))
        return torch.stack(predictions, dim=1)


def build():
    torch.manual_seed(0)
    return OnlinePredictor(), (torch.randn(3, 6, 4),), (3, 6, 4)
