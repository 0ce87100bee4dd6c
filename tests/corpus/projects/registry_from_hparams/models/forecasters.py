import torch.nn as nn

from registry import register


@register("lstm")
class LSTMForecaster(nn.Module):
    def __init__(self, n_features, hidden, layers, dropout, horizon):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden, horizon)

    @classmethod
    def from_hparams(cls, hp):
        return cls(**vars(hp))

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.head(h_n[-1])


@register("gru")
class GRUForecaster(nn.Module):
    def __init__(self, n_features, hidden, layers, dropout, horizon):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden, horizon)

    @classmethod
    def from_hparams(cls, hp):
        return cls(hp.n_features, hp.hidden, hp.layers, hp.dropout, hp.horizon)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out[:, -1])
