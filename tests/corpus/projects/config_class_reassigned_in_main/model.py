import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embedding = nn.Embedding(config.vocab_size, config.embed)
        self.lstm = nn.LSTM(config.embed, config.hidden_size, config.num_layers,
                            batch_first=True, dropout=config.dropout)
        self.fc = nn.Linear(config.hidden_size, config.n_tags)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.fc(out)
