import torch

from kws import N_MELS, KeywordSpotter

ISSUE = 12
CAPABILITY = "imports and re-exports"
EFFECT = "raises"
ERROR = "must be equal to input_size"  # what torch says


def build():
    torch.manual_seed(0)
    return KeywordSpotter(), (torch.randn(3, N_MELS, 25),)
