"""Fake-news detector: BiLSTM over headline tokens with an nn.Sequential MLP head."""
import torch
import torch.nn as nn


class HeadlineClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim=32, hidden_dim=32, num_layers=1, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, num_layers=num_layers, batch_first=True,
                            bidirectional=True)
        self.head = nn.Sequential(
            nn.Dropout(0.3),
            nn.Linear(hidden_dim * 2, hidden_dim),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(hidden_dim, num_classes),
        )

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.head(out[:, -1, :])


def build():
    torch.manual_seed(0)
    model = HeadlineClassifier(vocab_size=75)
    tokens = torch.randint(1, 75, (5, 8))
    return model, (tokens,), (5, 2)
