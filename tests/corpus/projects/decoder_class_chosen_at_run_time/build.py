import torch

from model import Model


def build():
    torch.manual_seed(0)
    model = Model(5, 8, kind="lstm")
    x = torch.randn(6, 2, 5)
    return model, (x,), (6, 2, 4)
