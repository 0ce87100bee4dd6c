import torch.nn as nn


class SequenceRegressor(nn.Module):
    def __init__(self, n_features, cfg):
        super().__init__()
        self.batch_first = cfg.get("batch_first", True)
        self.lstm = nn.LSTM(n_features, cfg["hidden"], num_layers=cfg["layers"],
                            dropout=cfg["dropout"], bidirectional=cfg["bidirectional"],
                            batch_first=self.batch_first)
        width = cfg["hidden"] * 2 if cfg["bidirectional"] else cfg["hidden"]
        self.regressor = nn.Sequential(nn.Linear(width, width // 2), nn.ReLU(),
                                       nn.Linear(width // 2, 1))

    def forward(self, x):
        out, _ = self.lstm(x)
        last = out[:, -1] if self.batch_first else out[-1]
        return self.regressor(last)
