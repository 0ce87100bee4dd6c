import torch.nn as nn


class Regressor(nn.Module):
    def __init__(self, cfg, n_features=5):
        super().__init__()
        self.lstm = nn.LSTM(n_features, cfg.hidden, cfg.num_layers, dropout=cfg.dropout, batch_first=True)
        self.out = nn.Linear(cfg.hidden, 1)

    def forward(self, series):
        out, _ = self.lstm(series)
        return self.out(out[:, -1])
