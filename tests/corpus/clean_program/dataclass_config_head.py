"""A dataclass config in the same file: the head is sized from its fields the way the RNN is."""
from dataclasses import dataclass, field

import torch
import torch.nn as nn


@dataclass
class Config:
    n_features: int = 6
    hidden: int = 10
    bidirectional: bool = True
    num_layers: int = 2
    dropout: float = 0.1
    tags: list = field(default_factory=list)


class Model(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.lstm = nn.LSTM(cfg.n_features, cfg.hidden, cfg.num_layers, dropout=cfg.dropout,
                            bidirectional=cfg.bidirectional, batch_first=True)
        self.fc = nn.Linear(cfg.hidden * (2 if cfg.bidirectional else 1), 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def build():
    torch.manual_seed(0)
    return Model(Config()), (torch.randn(2, 5, 6),), (2, 3)
