"""A context vector projected into the decoder's initial state: an nn.LSTM needs the pair
`(h_0, c_0)`, and gets `tanh(bridge(ctx)).unsqueeze(0)` alone."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "smaller gaps"
EFFECT = "raises"
ERROR = "index 1 is out of bounds"  # what torch says


class ConditionedDecoder(nn.Module):
    def __init__(self, ctx_dim=6, n_features=4, hidden=10):
        super().__init__()
        self.bridge = nn.Linear(ctx_dim, hidden)
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_features)

    def forward(self, ctx, y):
        h0 = torch.tanh(self.bridge(ctx)).unsqueeze(0)
        out, _ = self.lstm(y, h0)  # expect: RNN007
        return self.out(out)


def build():
    torch.manual_seed(0)
    return ConditionedDecoder(), (torch.randn(3, 6), torch.randn(3, 5, 4))
