"""A diamond: `Model(Encoder, Wide)`, both built on `Base`. C3 gives Model, Encoder, Wide, Base,
so `hidden_size` comes from `Wide` (which overrides `Base`), as a depth-first walk (Model,
Encoder, Base) would not have it; the head reads the width `Wide` sets."""
import torch
import torch.nn as nn


class Base(nn.Module):
    def hidden_size(self):
        return 8


class Encoder(Base):
    def encode(self, x):
        out, _ = self.gru(x)
        return out


class Wide(Base):
    def hidden_size(self):
        return 24


class Model(Encoder, Wide):
    def __init__(self, n_in=5, n_out=3):
        super().__init__()
        self.gru = nn.GRU(n_in, self.hidden_size(), batch_first=True)
        self.head = nn.Linear(24, n_out)

    def forward(self, x):
        return self.head(self.encode(x))


def build():
    torch.manual_seed(0)
    return Model(), (torch.randn(2, 7, 5),), (2, 7, 3)
