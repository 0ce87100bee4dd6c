import torch

from run import create


def build():
    torch.manual_seed(0)
    rcnn, deep = create("rcnn"), create("deep")
    tokens = torch.randint(0, 50, (2, 6))
    assert rcnn(tokens).shape == deep(tokens).shape
    return deep, (tokens,), (2, 3)
