"""Multivariate time-series regressor: batch-first LSTM, prediction from the last step."""
import torch
import torch.nn as nn


class LSTMRegressor(nn.Module):
    def __init__(self, n_features, hidden_size=32, num_layers=2, output_size=1, dropout=0.1):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(
            input_size=n_features,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout,
        )
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        out, _ = self.lstm(x, (h0, c0))
        # out: (batch, seq_len, hidden_size); keep the last time step
        return self.fc(out[:, -1, :])


def build():
    torch.manual_seed(0)
    model = LSTMRegressor(n_features=6, output_size=2)
    window = torch.randn(5, 8, 6)
    return model, (window,), (5, 2)
