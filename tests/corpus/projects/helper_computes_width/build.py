import torch

from model import ProjectedTagger


def build():
    torch.manual_seed(0)
    return ProjectedTagger(), (torch.randn(2, 9, 6),), (2, 9, 5)
