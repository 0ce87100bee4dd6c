"""A bidirectional tagger whose depth and dropout the subclasses choose."""
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, n_features, hidden=16, depth=1, dropout=0.0, n_tags=3):
        super().__init__()
        self.encoder = nn.LSTM(n_features, hidden // 2, depth, dropout=dropout, bidirectional=True,
                               batch_first=True)
        self.out = nn.Linear(hidden, n_tags)

    def forward(self, x):
        out, _ = self.encoder(x)
        return self.out(out[:, -1])
