"""Bidirectional encoder state for a unidirectional decoder: the even slices of `h_n` are the
forward directions and the odd ones the backward; joined on the feature axis per layer."""
import torch
import torch.nn as nn


class StridedBridgeSeq2Seq(nn.Module):
    def __init__(self, vocab=28, emb=10, hidden=8, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.encoder = nn.GRU(emb, hidden, layers, bidirectional=True)
        self.decoder = nn.GRU(emb, 2 * hidden, layers)
        self.out = nn.Linear(2 * hidden, vocab)

    @staticmethod
    def join_directions(h):
        # (layers * directions, batch, hidden) -> (layers, batch, directions * hidden)
        return torch.cat([h[0:h.size(0):2], h[1:h.size(0):2]], 2)

    def forward(self, src, tgt):
        _, h_n = self.encoder(self.embed(src))
        dec_out, _ = self.decoder(self.embed(tgt), self.join_directions(h_n))
        return self.out(dec_out)


def build():
    torch.manual_seed(0)
    src = torch.randint(0, 28, (9, 2))
    tgt = torch.randint(0, 28, (4, 2))
    return StridedBridgeSeq2Seq(), (src, tgt), (4, 2, 28)
