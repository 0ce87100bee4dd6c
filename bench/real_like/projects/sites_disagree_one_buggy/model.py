import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, n_features, hidden, num_layers, dropout):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, num_layers, dropout=dropout, batch_first=True)  # expect: RNN009

    def forward(self, x):
        _, h_n = self.gru(x)
        return h_n[-1]
