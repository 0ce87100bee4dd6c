import torch
import torch.nn as nn

from config import ModelConfig


class PairClassifier(nn.Module):
    """Reads the last layer of both directions from `h_n` reshaped by layer and direction."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.emb_dim)
        self.gru = nn.GRU(cfg.emb_dim, cfg.hidden_dim, num_layers=cfg.num_layers,
                          dropout=cfg.dropout, bidirectional=cfg.bidirectional, batch_first=True)
        self.classifier = nn.Linear(2 * cfg.hidden_dim * cfg.num_directions, cfg.n_labels)

    def encode(self, tokens):
        _, h_n = self.gru(self.embedding(tokens))
        batch = tokens.size(0)
        h_n = h_n.view(self.cfg.num_layers, self.cfg.num_directions, batch, self.cfg.hidden_dim)
        return h_n[-1].transpose(0, 1).reshape(batch, -1)

    def forward(self, left, right):
        return self.classifier(torch.cat([self.encode(left), self.encode(right)], dim=1))
