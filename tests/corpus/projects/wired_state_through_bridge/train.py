import torch.nn as nn

from bridge import Bridge
from encoder import BiGRUEncoder
from model import Summarizer

FEATURES = 9
HIDDEN = 12
DECODER_HIDDEN = 20
TAGS = 4


def setup_model():
    encoder = BiGRUEncoder(FEATURES, HIDDEN)
    bridge = Bridge(HIDDEN, DECODER_HIDDEN)
    decoder = nn.GRU(FEATURES, DECODER_HIDDEN, batch_first=True)
    return Summarizer(encoder, bridge, decoder, nn.Linear(DECODER_HIDDEN, TAGS))
