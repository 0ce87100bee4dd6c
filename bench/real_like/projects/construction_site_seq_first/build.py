import torch

from train import create

ISSUE = 12
CAPABILITY = "construction sites"
EFFECT = "wrong_shape"
EXPECTED_SHAPE = (3, 4)


def build():
    torch.manual_seed(0)
    return create(), (torch.randn(10, 3, 6),)
