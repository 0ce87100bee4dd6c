from model import MotionClassifier


def create():
    # the loader yields (seq, batch, features), so the LSTM is built sequence first
    return MotionClassifier(6, 12, 4, batch_first=False)
