from encoder import FrameEncoder


def streaming_encoder(n_mels=20, hidden=16, n_units=30):
    return FrameEncoder(n_mels, hidden, n_units, bidirectional=False)


def tiny_encoder():
    return FrameEncoder(20, 8, 30)
