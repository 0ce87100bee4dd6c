import torch.nn as nn

from encoders import BatchFirstEncoder, StreamingEncoder


class TwoViewRegressor(nn.Module):
    """Two encoders over batch-first windows of the same signal; their summaries are summed."""

    def __init__(self, n_features=6, hidden_size=12):
        super().__init__()
        self.short = BatchFirstEncoder(n_features, hidden_size)
        self.long = StreamingEncoder(n_features, hidden_size)
        self.out = nn.Linear(hidden_size, 1)

    def forward(self, window):
        return self.out(self.short(window) + self.long(window))
