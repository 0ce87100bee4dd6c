import torch.nn as nn


class BiLSTMTagger(nn.Module):
    """Library-style defaults; the training script passes every option it parses."""

    def __init__(self, vocab_size, n_tags, emb_dim=100, hidden_dim=128, num_layers=1,
                 dropout=0.5, bidirectional=False, **unused):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, num_layers=num_layers, dropout=dropout,
                            bidirectional=bidirectional, batch_first=True)
        self.hidden2tag = nn.Linear(hidden_dim * (2 if bidirectional else 1), n_tags)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.hidden2tag(out)
