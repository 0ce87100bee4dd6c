import torch

from tagger import NERTagger

ISSUE = 12
CAPABILITY = "class hierarchies"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


def build():
    torch.manual_seed(0)
    return NERTagger(8, 10, 6), (torch.randint(0, 40, (2, 9)),)
