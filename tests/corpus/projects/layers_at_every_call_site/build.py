import torch

from train import make_model


def build():
    torch.manual_seed(0)
    model = make_model(30, 40)
    src = torch.randint(0, 30, (7, 3))
    tgt = torch.randint(0, 40, (5, 3))
    return model, (src, tgt), (5, 3, 40)
