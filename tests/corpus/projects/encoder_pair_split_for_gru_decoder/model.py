import torch.nn as nn


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder, device="cpu"):
        super().__init__()
        self.encoder = encoder.to(device)
        self.decoder = decoder.to(device)

    def forward(self, src, tgt):
        _, pair = self.encoder(src)
        hidden = self.decoder.start(pair)
        return self.decoder(tgt, hidden)
