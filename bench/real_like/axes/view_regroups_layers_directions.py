"""Top layer of a bidirectional LSTM read with the factors in the wrong order: `h_n` is laid
out (layers, directions) on axis 0, so `view(2, layers, ...)[:, -1]` picks a mixture of layers."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "differs_from_intended"


class TopLayer(nn.Module):
    def __init__(self, n_features=4, hidden=5, layers=3):
        super().__init__()
        self.layers = layers
        self.hidden = hidden
        self.lstm = nn.LSTM(n_features, hidden, layers, batch_first=True, bidirectional=True)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        top = h_n.view(2, self.layers, x.size(0), self.hidden)[:, -1]  # expect: RNN005
        return torch.cat([top[0], top[1]], dim=1)


def intended(model, x):
    _, (h_n, _) = model.lstm(x)
    top = h_n.view(model.layers, 2, x.size(0), model.hidden)[-1]
    return torch.cat([top[0], top[1]], dim=1)


def build():
    torch.manual_seed(0)
    return TopLayer(), (torch.randn(3, 6, 4),)
