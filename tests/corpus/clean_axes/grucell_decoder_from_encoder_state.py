"""Tagger whose GRUCell decoder starts from the encoder's last layer, `h_n[-1]`: a (batch,
hidden) state, and steps over the batch-first target with `for t in range(tgt.size(1))`."""
import torch
import torch.nn as nn


class CellDecoderTagger(nn.Module):
    def __init__(self, vocab=30, n_tags=6, emb=12, hidden=16, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.tag_embed = nn.Embedding(n_tags, emb)
        self.encoder = nn.GRU(emb, hidden, layers, batch_first=True)
        self.cell = nn.GRUCell(emb, hidden)
        self.out = nn.Linear(hidden, n_tags)

    def forward(self, tokens, prev_tags):
        _, h_n = self.encoder(self.embed(tokens))
        h = h_n[-1]  # (batch, hidden)
        tags = self.tag_embed(prev_tags)  # (batch, tgt_len, emb)
        logits = []
        for t in range(prev_tags.size(1)):
            h = self.cell(tags[:, t], h)
            logits.append(self.out(h))
        return torch.stack(logits, dim=1)


def build():
    torch.manual_seed(0)
    tokens = torch.randint(0, 30, (4, 9))
    prev_tags = torch.randint(0, 6, (4, 5))
    return CellDecoderTagger(), (tokens, prev_tags), (4, 5, 6)
