import torch

from model import Tagger

ISSUE = 12
CAPABILITY = "factories and partial"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


def build():
    torch.manual_seed(0)
    return Tagger(), (torch.randn(2, 5, 6),)
