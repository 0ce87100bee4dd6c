import torch

from model import Tagger


def build():
    torch.manual_seed(0)
    model = Tagger(6, 10, 2, 5)
    x = torch.randn(7, 3, 6)
    return model, (x,), (7, 3, 5)
