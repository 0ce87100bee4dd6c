"""`getattr(nn, config["cell"])` of a name the file never spells: whichever recurrent kind
the keywords build, the embedding feeds it `input_size` features, the head reads
`num_directions * hidden_size`, and the state is taken apart by its type."""
import json

import torch
import torch.nn as nn

CONFIG = json.loads('{"cell": "GRU", "hidden": 12, "bidirectional": true}')


class Tagger(nn.Module):
    def __init__(self, vocab=30, emb=6, hidden=12, bidirectional=True, n_tags=5):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = getattr(nn, CONFIG["cell"])(input_size=emb, hidden_size=hidden, num_layers=2,
                                               batch_first=True, bidirectional=bidirectional)
        directions = 2 if bidirectional else 1
        self.head = nn.Linear(directions * hidden, n_tags)
        self.summary = nn.Linear(hidden, n_tags)

    def forward(self, tokens):
        out, state = self.rnn(self.embed(tokens))
        if isinstance(state, tuple):
            state = state[0]
        return self.head(out) + self.summary(state[-1]).unsqueeze(1)


def build():
    torch.manual_seed(0)
    return Tagger(), (torch.randint(0, 30, (3, 7)),), (3, 7, 5)
