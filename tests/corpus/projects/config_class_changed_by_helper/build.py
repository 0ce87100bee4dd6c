import torch

from run import create


def build():
    torch.manual_seed(0)
    model = create()
    tokens = torch.randint(0, 40, (4, 6))
    return model, (tokens,), (4, 3)
