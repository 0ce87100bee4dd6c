import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embedding = nn.Embedding(config.vocab_size, config.embed)
        self.lstm = nn.LSTM(config.embed, config.hidden_size, config.num_layers, dropout=config.dropout,
                            bidirectional=config.bidirectional, batch_first=True)
        self.fc = nn.Linear(config.hidden_size * (2 if config.bidirectional else 1), 4)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out[:, -1])
