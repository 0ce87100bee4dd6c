import torch
import torch.nn as nn

from config import EncoderConfig


class ActivityModel(nn.Module):
    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.lstm = nn.LSTM(cfg.n_features, cfg.hidden, cfg.layers, batch_first=True,
                            bidirectional=cfg.bidirectional)
        self.fc = nn.Linear(cfg.hidden, cfg.n_classes)  # expect: RNN001

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1))
