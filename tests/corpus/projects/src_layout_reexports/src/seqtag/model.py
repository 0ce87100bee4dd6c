import torch.nn as nn

from seqtag.config import TaggerConfig
from seqtag.modules import HalfWidthBiLSTM


class Tagger(nn.Module):
    def __init__(self, cfg: TaggerConfig = TaggerConfig()):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.emb_dim)
        self.encoder = HalfWidthBiLSTM(cfg)
        self.emissions = nn.Linear(cfg.hidden, cfg.n_tags)

    def forward(self, tokens):
        return self.emissions(self.encoder(self.embedding(tokens)))
