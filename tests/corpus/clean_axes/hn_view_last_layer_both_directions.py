"""Sentence classifier: `h_n.view(L, 2, B, H)[-1]` keeps both directions of the top layer."""
import torch
import torch.nn as nn


class TopLayerClassifier(nn.Module):
    def __init__(self, vocab=40, emb=16, hidden=12, layers=3, n_classes=4):
        super().__init__()
        self.layers = layers
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, layers, batch_first=True, bidirectional=True, dropout=0.1)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, tokens):
        batch = tokens.size(0)
        _, (h_n, _) = self.rnn(self.embed(tokens))
        top = h_n.view(self.layers, 2, batch, self.hidden)[-1]  # (2, batch, hidden)
        features = torch.cat([top[0], top[1]], dim=-1)
        return self.fc(features)


def build():
    torch.manual_seed(0)
    return TopLayerClassifier(), (torch.randint(0, 40, (5, 8)),), (5, 4)
