import torch.nn as nn


class NMTModel(nn.Module):
    """Wires an encoder and a decoder it is given."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, tgt):
        enc_state, _ = self.encoder(src)
        state = self.decoder.init_state(enc_state)
        return self.decoder(tgt, state)
