import torch

from classifier import IntentClassifier

ISSUE = 12
CAPABILITY = "class hierarchies"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


def build():
    torch.manual_seed(0)
    return IntentClassifier(6, 10, 3), (torch.randn(4, 7, 6),)
