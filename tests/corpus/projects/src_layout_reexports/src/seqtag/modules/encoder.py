import torch.nn as nn

from ..config import TaggerConfig


class HalfWidthBiLSTM(nn.Module):
    """Each direction gets half of `cfg.hidden`, so the output is `cfg.hidden` wide."""

    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        assert cfg.hidden % 2 == 0
        self.lstm = nn.LSTM(cfg.emb_dim, cfg.hidden // 2, num_layers=cfg.layers,
                            dropout=cfg.dropout, bidirectional=True, batch_first=True)

    def forward(self, embedded):
        out, _ = self.lstm(embedded)
        return out
