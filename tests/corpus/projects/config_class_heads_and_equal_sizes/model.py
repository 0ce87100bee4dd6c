import torch.nn as nn


class Stack(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab, cfg.emb)
        self.lstm = nn.LSTM(cfg.emb, cfg.hidden, cfg.num_layers, dropout=cfg.dropout,
                            bidirectional=cfg.bidirectional, batch_first=True)
        self.fc = nn.Linear(cfg.hidden * (2 if cfg.bidirectional else 1), cfg.emb)
        self.refine = nn.GRU(cfg.hidden, cfg.emb, batch_first=True)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        out, _ = self.refine(self.fc(out))
        return out
