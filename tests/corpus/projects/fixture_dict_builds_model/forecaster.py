"""A forecaster whose depth and dropout its tests choose through a fixture's dict."""
import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, n_features, hidden_size=16, num_layers=1, dropout=0.0, horizon=3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden_size, num_layers=num_layers, dropout=dropout,
                            batch_first=True)
        self.head = nn.Linear(hidden_size, horizon)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])
