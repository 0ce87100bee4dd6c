"""Sensor regressor configured by a dataclass; GRU hidden states are initialised explicitly."""
from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass
class ModelConfig:
    input_size: int = 8
    hidden_size: int = 32
    num_layers: int = 2
    bidirectional: bool = False
    dropout: float = 0.1
    output_size: int = 1


class SensorGRU(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.num_directions = 2 if cfg.bidirectional else 1
        self.gru = nn.GRU(
            cfg.input_size,
            cfg.hidden_size,
            num_layers=cfg.num_layers,
            batch_first=True,
            dropout=cfg.dropout if cfg.num_layers > 1 else 0.0,
            bidirectional=cfg.bidirectional,
        )
        self.head = nn.Linear(cfg.hidden_size * self.num_directions, cfg.output_size)

    def init_hidden(self, batch_size: int, device: torch.device) -> torch.Tensor:
        return torch.zeros(self.cfg.num_layers * self.num_directions, batch_size,
                           self.cfg.hidden_size, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h0 = self.init_hidden(x.size(0), x.device)
        out, _ = self.gru(x, h0)
        return self.head(out[:, -1, :])


def build():
    torch.manual_seed(0)
    cfg = ModelConfig(input_size=5, bidirectional=True, output_size=3)
    model = SensorGRU(cfg)
    x = torch.randn(4, 9, 5)
    return model, (x,), (4, 3)
