"""Bridge from a bidirectional encoder to a decoder of width 2*hidden written as a single view:
`h_n.view(layers, batch, 2 * hidden)` of a (layers * 2, batch, hidden) state joins the states
of two different samples, not the two directions of one."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "mixes_samples"
BATCH_AXES = (1, 1)  # both inputs are sequence first


class Bridge(nn.Module):
    def __init__(self, n_features=5, hidden=6, layers=2):
        super().__init__()
        self.layers = layers
        self.hidden = hidden
        self.encoder = nn.GRU(n_features, hidden, layers, bidirectional=True)
        self.decoder = nn.GRU(n_features, 2 * hidden, layers)

    def forward(self, src, tgt):
        _, h_n = self.encoder(src)
        state = h_n.view(self.layers, src.size(1), 2 * self.hidden)  # expect: RNN005
        out, _ = self.decoder(tgt, state)
        return out.transpose(0, 1)  # (batch, tgt_len, 2 * hidden)


def build():
    torch.manual_seed(0)
    return Bridge(), (torch.randn(7, 4, 5), torch.randn(3, 4, 5))

