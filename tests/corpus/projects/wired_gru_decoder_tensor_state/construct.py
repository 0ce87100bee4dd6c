from models import Decoder, Encoder, Seq2Seq

VOCAB = 25
EMB = 10
HIDDEN = 14


def make_base_model(layers=2):
    encoder = Encoder("GRU", VOCAB, EMB, HIDDEN, layers)
    decoder = Decoder("GRU", VOCAB, EMB, HIDDEN, layers)
    model = Seq2Seq(encoder, decoder)
    return model
