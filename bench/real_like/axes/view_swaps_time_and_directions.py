"""Per-direction outputs of a batch-first bidirectional GRU split with a reshape whose middle axes
are swapped: (batch, seq, 2 * hidden) is (batch, seq, 2, hidden), not (batch, 2, seq, hidden)."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "differs_from_intended"


class ForwardOnly(nn.Module):
    def __init__(self, n_features=4, hidden=6):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(n_features, hidden, batch_first=True, bidirectional=True)

    def forward(self, x):
        out, _ = self.gru(x)
        batch, seq = x.size(0), x.size(1)
        directions = out.reshape(batch, 2, seq, self.hidden)  # expect: RNN005
        return directions[:, 0]  # the forward direction, (batch, seq, hidden)


def intended(model, x):
    out, _ = model.gru(x)
    return out.view(x.size(0), x.size(1), 2, model.hidden)[:, :, 0]


def build():
    torch.manual_seed(0)
    return ForwardOnly(), (torch.randn(2, 5, 4),)
