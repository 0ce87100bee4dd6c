import torch
import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, args, n_features=4):
        super().__init__()
        self.args = args
        self.rnn = getattr(nn, args.rnn_type)(n_features, args.hidden, args.layers,
                                              batch_first=True)
        self.head = nn.Linear(args.hidden, 1)

    def init_hidden(self, batch):
        # an LSTM needs (h_0, c_0); this is right for the GRU only
        return torch.zeros(self.args.layers, batch, self.args.hidden)  # expect: RNN007

    def forward(self, x):
        out, _ = self.rnn(x, self.init_hidden(x.size(0)))
        return self.head(out[:, -1])
