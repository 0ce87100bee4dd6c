"""Sentiment model written as a Lightning module (minimal local base class stands in)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LightningModule(nn.Module):
    """Just enough of the Lightning interface for the model below."""

    def training_step(self, batch, batch_idx):
        raise NotImplementedError

    def configure_optimizers(self):
        raise NotImplementedError


class SentimentGRU(LightningModule):
    def __init__(self, vocab_size, embed_dim=32, hidden_dim=32, num_layers=2,
                 bidirectional=True, num_classes=3, lr=1e-3):
        super().__init__()
        self.lr = lr
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.gru = nn.GRU(embed_dim, hidden_dim, num_layers, batch_first=True,
                          dropout=0.2, bidirectional=bidirectional)
        self.fc = nn.Linear(2 * hidden_dim if bidirectional else hidden_dim, num_classes)
        self.bidirectional = bidirectional

    def forward(self, x):
        _, hidden = self.gru(self.embedding(x))
        if self.bidirectional:
            hidden = torch.cat((hidden[-2], hidden[-1]), dim=1)
        else:
            hidden = hidden[-1]
        return self.fc(hidden)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self(x), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def build():
    torch.manual_seed(0)
    model = SentimentGRU(vocab_size=50)
    x = torch.randint(0, 50, (4, 8))
    return model, (x,), (4, 3)
