import torch.nn as nn

from encoder import Encoder


class NERTagger(Encoder):
    def __init__(self, emb_dim, hidden_size, n_tags, vocab_size=40):
        super().__init__(emb_dim, hidden_size, bidirectional=True)
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.emissions = nn.Linear(hidden_size, n_tags)  # expect: RNN001

    def forward(self, tokens):
        return self.emissions(self.encode(self.embedding(tokens)))
