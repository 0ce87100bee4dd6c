import torch.nn as nn

from layers import make_rnn


class Summariser(nn.Module):
    def __init__(self, args, n_features=5, n_classes=3):
        super().__init__()
        self.rnn = make_rnn(args.cell, n_features, args.hidden, num_layers=args.layers)
        self.fc = nn.Linear(args.hidden, n_classes)

    def forward(self, x):
        _, state = self.rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state
        return self.fc(h_n[-1])
