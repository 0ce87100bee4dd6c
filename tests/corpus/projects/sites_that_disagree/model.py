import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, n_features, hidden, num_layers, dropout):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, num_layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1])
