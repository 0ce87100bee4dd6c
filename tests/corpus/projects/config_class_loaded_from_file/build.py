import torch

from train import create


def build():
    torch.manual_seed(0)
    model = create()
    tokens = torch.randint(0, 30, (2, 5))
    return model, (tokens,), (2, 4)
