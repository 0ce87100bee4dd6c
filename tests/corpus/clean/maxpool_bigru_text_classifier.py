"""Toxic comment classifier: BiGRU features max- and mean-pooled over time, concatenated."""
import torch
import torch.nn as nn


class PooledBiGRU(nn.Module):
    def __init__(self, vocab_size, embed_size=32, hidden_size=24, n_labels=6):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.embedding_dropout = nn.Dropout2d(0.1)
        self.gru = nn.GRU(embed_size, hidden_size, bidirectional=True, batch_first=True)
        # max pool + mean pool, each 2 * hidden_size wide
        self.linear = nn.Linear(hidden_size * 4, 32)
        self.relu = nn.ReLU()
        self.out = nn.Linear(32, n_labels)

    def forward(self, x):
        h_embedding = self.embedding(x)
        # spatial dropout drops whole embedding channels: (B, T, E) -> (B, E, T, 1)
        h_embedding = self.embedding_dropout(h_embedding.permute(0, 2, 1).unsqueeze(3))
        h_embedding = h_embedding.squeeze(3).permute(0, 2, 1)
        h_gru, _ = self.gru(h_embedding)
        avg_pool = torch.mean(h_gru, 1)
        max_pool, _ = torch.max(h_gru, 1)
        conc = torch.cat((avg_pool, max_pool), 1)
        return self.out(self.relu(self.linear(conc)))


def build():
    torch.manual_seed(0)
    model = PooledBiGRU(vocab_size=120)
    x = torch.randint(0, 120, (4, 9))
    return model, (x,), (4, 6)
