"""A context vector projected into the initial state of a GRU decoder: a GRU's state is one
tensor, so `tanh(bridge(ctx)).unsqueeze(0)` alone is right (an LSTM would need the pair)."""
import torch
import torch.nn as nn


class ContextGRUDecoder(nn.Module):
    def __init__(self, ctx_dim=6, n_features=4, hidden=10):
        super().__init__()
        self.bridge = nn.Linear(ctx_dim, hidden)
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_features)

    def forward(self, ctx, y):
        h0 = torch.tanh(self.bridge(ctx)).unsqueeze(0)
        out, _ = self.gru(y, h0)
        return self.out(out)


def build():
    torch.manual_seed(0)
    return ContextGRUDecoder(), (torch.randn(3, 6), torch.randn(3, 5, 4)), (3, 5, 4)
