import torch
import torch.nn as nn

from nmt.encoders.rnn_encoder import RNNEncoder


class LastStates(nn.Module):
    """The bridged final states of the top layer, as the decoder's initial state reads them."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, emb):
        final, _ = self.encoder(emb)
        if isinstance(final, tuple):
            final = final[0]
        return final


def build():
    torch.manual_seed(0)
    encoder = RNNEncoder("GRU", True, 2, 12, 5, use_bridge=True)
    return LastStates(encoder), (torch.randn(7, 3, 5),), (4, 3, 6)
