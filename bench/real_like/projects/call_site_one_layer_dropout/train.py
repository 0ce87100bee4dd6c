from nets import Decoder


def make_decoder(vocab_size):
    # one layer: the LSTM's dropout acts between stacked layers only, so 0.5 is never applied
    return Decoder(vocab_size, 16, 32, n_layers=1, dropout=0.5)
