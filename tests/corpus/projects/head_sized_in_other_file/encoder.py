"""Sentence encoder: a (bi)LSTM over embedded tokens, max-pooled over time."""
import torch.nn as nn


class SentenceEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(cfg.emb_dim, cfg.hidden, cfg.num_layers, dropout=cfg.dropout,
                            bidirectional=cfg.bidirectional, batch_first=True)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        # (batch, seq, num_directions * hidden) -> (batch, num_directions * hidden)
        return out.max(dim=1).values
