import torch

from run import create


def build():
    torch.manual_seed(0)
    tiny, deep = create("tiny"), create("deep")
    series = torch.randn(3, 9, 5)
    assert tiny(series).shape == deep(series).shape
    return deep, (series,), (3, 1)
