import torch

import train
from data import random_rolls


def build():
    # what the `__main__` block of train.py sets before it builds the model, smaller
    train.N_PITCHES, train.HIDDEN, train.LAYERS = 88, 16, 2
    train.DROPOUT, train.BIDIRECTIONAL = 0.3, True
    torch.manual_seed(0)
    return train.ChordTagger(), (random_rolls(2, 12),), (2, 12, train.N_CHORDS)
