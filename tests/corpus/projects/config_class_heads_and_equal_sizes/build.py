import torch

from main import model


def build():
    torch.manual_seed(0)
    tokens = torch.randint(0, 25, (3, 4))
    return model, (tokens,), (3, 4, 20)
