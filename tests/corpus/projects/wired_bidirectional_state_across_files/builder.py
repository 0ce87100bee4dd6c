from decoders import RNNDecoder
from encoders import RNNEncoder
from model import NMTModel

VOCAB = 40
EMB = 12
RNN_SIZE = 16
LAYERS = 2


def make_encoder(bidirectional):
    return RNNEncoder(VOCAB, EMB, RNN_SIZE, LAYERS, bidirectional)


def make_model():
    encoder = make_encoder(True)
    decoder = RNNDecoder(VOCAB, EMB, RNN_SIZE, LAYERS, True)
    return NMTModel(encoder, decoder)
