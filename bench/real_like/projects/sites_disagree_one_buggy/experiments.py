from model import Encoder


def deep(n_features):
    return Encoder(n_features, 16, num_layers=3, dropout=0.3)


def fast(n_features):
    # copied from deep() and cut down to one layer; the dropout stayed
    return Encoder(n_features, 8, num_layers=1, dropout=0.3)
