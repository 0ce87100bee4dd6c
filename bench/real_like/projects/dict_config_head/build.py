import torch

from model import GestureClassifier

ISSUE = 12
CAPABILITY = "config objects"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


def build():
    torch.manual_seed(0)
    return GestureClassifier(), (torch.randn(4, 10, 9),)
