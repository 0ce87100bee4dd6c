import torch.nn as nn


class Config:
    def __init__(self, vocab_size):
        self.vocab_size = vocab_size
        self.embed = 10
        self.hidden_size = 12
        self.num_layers = 1  # read by the training loop, not by this model, which stacks two
        self.dropout = 0.5
        self.num_classes = 3


class Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embedding = nn.Embedding(config.vocab_size, config.embed)
        self.gru = nn.GRU(config.embed, config.hidden_size, 2, batch_first=True, dropout=config.dropout)
        self.fc = nn.Linear(config.hidden_size, config.num_classes)

    def forward(self, tokens):
        out, _ = self.gru(self.embedding(tokens))
        return self.fc(out[:, -1])
