import torch.nn as nn

from layers import GRU


class Forecaster(nn.Module):
    def __init__(self, n_features=3, hidden=12, horizon=2):
        super().__init__()
        self.gru = GRU(n_features, hidden, 2)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, x):
        # x: (batch, seq, n_features); the partial made the GRU batch first
        out, _ = self.gru(x)
        return self.head(out[-1])  # expect: RNN004
