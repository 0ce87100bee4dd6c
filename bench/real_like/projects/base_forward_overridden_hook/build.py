import torch

from models import FirstAndLast

ISSUE = 12
CAPABILITY = "class hierarchies"
EFFECT = "wrong_shape"
EXPECTED_SHAPE = (3, 1)


def build():
    torch.manual_seed(0)
    return FirstAndLast(5, 8), (torch.randn(9, 3, 5),)
