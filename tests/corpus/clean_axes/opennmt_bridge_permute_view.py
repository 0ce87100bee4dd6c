"""Encoder-decoder: the bidirectional encoder's final states are regrouped per layer with a
view to (layers, directions, batch, hidden), a permute, and a view to (layers, batch, 2*hidden)."""
import torch
import torch.nn as nn


class BridgedTranslator(nn.Module):
    def __init__(self, src_vocab=30, tgt_vocab=34, emb_dim=12, hidden_size=10, num_layers=2):
        super().__init__()
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.src_embed = nn.Embedding(src_vocab, emb_dim)
        self.tgt_embed = nn.Embedding(tgt_vocab, emb_dim)
        self.encoder = nn.LSTM(emb_dim, hidden_size, num_layers, bidirectional=True)
        self.decoder = nn.LSTM(emb_dim, 2 * hidden_size, num_layers)
        self.generator = nn.Linear(2 * hidden_size, tgt_vocab)

    def bridge(self, state):
        batch = state.size(1)
        state = state.view(self.num_layers, 2, batch, self.hidden_size)
        state = state.permute(0, 2, 1, 3).contiguous()
        return state.view(self.num_layers, batch, 2 * self.hidden_size)

    def forward(self, src, tgt):
        _, (h_n, c_n) = self.encoder(self.src_embed(src))
        out, _ = self.decoder(self.tgt_embed(tgt), (self.bridge(h_n), self.bridge(c_n)))
        return self.generator(out)


def build():
    torch.manual_seed(0)
    src = torch.randint(0, 30, (7, 3))
    tgt = torch.randint(0, 34, (5, 3))
    return BridgedTranslator(), (src, tgt), (5, 3, 34)
