"""Classification heads; each is sized from the same config as the encoder."""
import torch.nn as nn


class ClassifierHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        in_features = cfg.hidden * (2 if cfg.bidirectional else 1)
        self.dropout = nn.Dropout(cfg.dropout)
        self.proj = nn.Linear(in_features, cfg.n_classes)

    def forward(self, features):
        return self.proj(self.dropout(features))
