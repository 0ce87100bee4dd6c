import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embedding = nn.Embedding(config.vocab_size, config.embed)
        self.gru = nn.GRU(config.embed, config.hidden_size, num_layers=config.num_layers,
                          dropout=config.dropout, batch_first=True)
        self.fc = nn.Linear(config.hidden_size, config.n_classes)

    def forward(self, tokens):
        _, h_n = self.gru(self.embedding(tokens))
        return self.fc(h_n[-1])
