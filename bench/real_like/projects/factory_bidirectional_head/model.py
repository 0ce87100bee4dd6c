import torch.nn as nn

from layers import build_rnn


class Tagger(nn.Module):
    def __init__(self, n_features=6, hidden=10, n_tags=5):
        super().__init__()
        self.rnn = build_rnn(n_features, hidden)
        self.fc = nn.Linear(hidden, n_tags)  # expect: RNN001

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)
