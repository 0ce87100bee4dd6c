import torch
import torch.nn as nn

from decoder import LSTMDecoder
from encoder import BiLSTMEncoder


class EncoderDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = BiLSTMEncoder(30, hidden_size=20, num_layers=2)
        self.decoder = LSTMDecoder(35, hidden_size=40, num_layers=2)

    def forward(self, src, prev):
        _, state = self.encoder(src)
        return self.decoder(prev, state)


def build():
    torch.manual_seed(0)
    src = torch.randint(1, 30, (3, 8))
    prev = torch.randint(1, 35, (3, 6))
    return EncoderDecoder(), (src, prev), (3, 6, 35)
