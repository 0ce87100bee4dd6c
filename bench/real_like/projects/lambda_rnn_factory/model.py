import torch.nn as nn

from layers import bigru


class Tagger(nn.Module):
    def __init__(self, n_features=6, hidden=9, n_tags=4):
        super().__init__()
        self.rnn = bigru(n_features, hidden)
        self.out = nn.Linear(hidden, n_tags)  # expect: RNN001

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.out(states)
