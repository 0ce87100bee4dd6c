"""A GRUCell decoder whose loop bound is a target length given as an argument, with input
feeding: the step is the embedding of `tokens[:, t]` joined with the previous state."""
import torch
import torch.nn as nn


class FeedingDecoder(nn.Module):
    def __init__(self, vocab=12, emb_dim=6, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb_dim)
        self.cell = nn.GRUCell(emb_dim + hidden, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens, state, max_len):
        # tokens: (batch, max_len); state: (batch, hidden)
        h = state
        logits = []
        for t in range(max_len):
            h = self.cell(torch.cat([self.embed(tokens[:, t]), h], dim=1), h)
            logits.append(self.out(h))
        return torch.stack(logits, dim=1)


def build():
    torch.manual_seed(0)
    return FeedingDecoder(), (torch.randint(0, 12, (3, 5)), torch.zeros(3, 8), 5), (3, 5, 12)
