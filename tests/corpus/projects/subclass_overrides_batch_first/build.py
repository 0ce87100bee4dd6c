import torch

from model import TwoViewRegressor


def build():
    torch.manual_seed(0)
    model = TwoViewRegressor()
    window = torch.randn(4, 10, 6)
    return model, (window,), (4, 1)
