import torch

from decoder import Decoder
from encoder import Encoder
from model import Seq2Seq

VOCAB = 30
EMB = 8
HIDDEN = 16
LAYERS = 2


def build():
    torch.manual_seed(0)
    encoder = Encoder(VOCAB, EMB, HIDDEN, LAYERS).eval()
    decoder = Decoder(VOCAB, EMB + 2, HIDDEN, LAYERS).eval()
    model = Seq2Seq(encoder, decoder)
    src = torch.randint(0, VOCAB, (3, 7))
    tgt = torch.randint(0, VOCAB, (3, 5))
    return model, (src, tgt), (3, 5, VOCAB)
