import torch.nn as nn


class Summarizer(nn.Module):
    def __init__(self, encoder, bridge, decoder, head):
        super().__init__()
        self.encoder = encoder
        self.bridge = bridge
        self.decoder = decoder
        self.head = head

    def forward(self, src, tgt):
        _, h_n = self.encoder(src)
        outputs, _ = self.decoder(tgt, self.bridge(h_n))
        return self.head(outputs)
