import os

import torch.nn as nn

from decoders import DECODERS


class Encoder(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.rnn = nn.LSTM(features, hidden)

    def forward(self, x):
        return self.rnn(x)


class Model(nn.Module):
    def __init__(self, features, hidden, kind=None):
        super().__init__()
        kind = kind or os.environ.get("DECODER", "lstm")
        self.encoder = Encoder(features, hidden)
        self.decoder = DECODERS[kind](features, hidden)
        self.head = nn.Linear(hidden, 4)

    def forward(self, x):
        _, state = self.encoder(x)
        return self.head(self.decoder(x, state))
