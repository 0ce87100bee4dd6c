"""A GRUCell built for `emb_dim + hidden` inputs and fed the embedding alone."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "recurrent cells"
EFFECT = "raises"
ERROR = "inconsistent input_size"  # what torch says


class GreedyDecoder(nn.Module):
    def __init__(self, vocab=20, emb_dim=8, hidden=12):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb_dim)
        self.cell = nn.GRUCell(emb_dim + hidden, hidden)  # expect: RNN008
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        h = torch.zeros(tokens.size(0), self.hidden)
        logits = []
        for t in range(tokens.size(1)):
            h = self.cell(self.embed(tokens[:, t]), h)
            logits.append(self.out(h))
        return torch.stack(logits, dim=1)


def build():
    torch.manual_seed(0)
    return GreedyDecoder(), (torch.randint(0, 20, (3, 5)),)
