import torch.nn as nn

import config


class TiedLanguageModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(config.DROPOUT)
        self.embed = nn.Embedding(config.VOCAB, config.EMBED)
        # the input is the embedding: EMBED == HIDDEN (config.py)
        self.rnn = nn.LSTM(config.HIDDEN, config.HIDDEN, config.LAYERS, dropout=config.DROPOUT)
        self.decoder = nn.Linear(config.HIDDEN, config.VOCAB)
        self.decoder.weight = self.embed.weight

    def forward(self, tokens, hidden=None):
        # tokens: (seq, batch)
        output, hidden = self.rnn(self.drop(self.embed(tokens)), hidden)
        return self.decoder(self.drop(output)), hidden
