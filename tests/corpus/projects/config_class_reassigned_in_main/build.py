import torch

from train import main


def build():
    torch.manual_seed(0)
    model = main()
    tokens = torch.randint(0, 50, (3, 7))
    return model, (tokens,), (3, 7, 5)
