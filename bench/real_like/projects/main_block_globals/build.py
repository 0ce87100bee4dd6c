import torch

import train

ISSUE = 12
CAPABILITY = "module globals"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


def build():
    # what the `__main__` block of train.py sets before it builds the model
    train.N_MELS, train.HIDDEN, train.N_SPEAKERS, train.BIDIRECTIONAL = 40, 32, 10, True
    torch.manual_seed(0)
    return train.SpeakerNet(), (torch.randn(3, 12, 40),)
