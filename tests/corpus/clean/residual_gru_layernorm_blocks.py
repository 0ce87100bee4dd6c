"""Residual GRU blocks with pre-layer-norm; the bidirectional output is projected back."""
import torch
import torch.nn as nn


class ResidualGRUBlock(nn.Module):
    def __init__(self, d_model, bidirectional=True, dropout=0.1):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.gru = nn.GRU(d_model, d_model, batch_first=True, bidirectional=bidirectional)
        self.num_directions = 2 if bidirectional else 1
        self.proj = nn.Linear(d_model * self.num_directions, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        y, _ = self.gru(self.norm(x))
        return x + self.dropout(self.proj(y))


class ResidualGRUNet(nn.Module):
    def __init__(self, in_features, d_model=32, n_blocks=3, n_outputs=2, bidirectional=True):
        super().__init__()
        self.inp = nn.Linear(in_features, d_model)
        self.blocks = nn.Sequential(
            *[ResidualGRUBlock(d_model, bidirectional) for _ in range(n_blocks)])
        self.out = nn.Linear(d_model, n_outputs)

    def forward(self, x):
        return self.out(self.blocks(self.inp(x)))


def build():
    torch.manual_seed(0)
    model = ResidualGRUNet(in_features=8)
    x = torch.randn(5, 9, 8)
    return model, (x,), (5, 9, 2)
