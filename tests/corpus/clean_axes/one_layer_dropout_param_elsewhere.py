"""A dropout parameter next to one-layer recurrent layers, where it never reaches them: the
GRU's dropout is guarded by the layer count, and the LSTM's only ever gets the 0.0 default."""
import torch
import torch.nn as nn


class GuardedDropout(nn.Module):
    def __init__(self, n_features=5, hidden=8, layers=1, dropout=0.3, rnn_dropout=0.0):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, num_layers=layers,
                          dropout=dropout if layers > 1 else 0.0, batch_first=True)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=1, dropout=rnn_dropout, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        out, _ = self.lstm(self.drop(out))
        return self.fc(out[:, -1])


def build():
    torch.manual_seed(0)
    return GuardedDropout(), (torch.randn(3, 6, 5),), (3, 2)
