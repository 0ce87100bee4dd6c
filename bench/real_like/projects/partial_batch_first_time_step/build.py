import torch

from model import Forecaster

ISSUE = 12
CAPABILITY = "factories and partial"
EFFECT = "wrong_shape"
EXPECTED_SHAPE = (4, 2)


def build():
    torch.manual_seed(0)
    return Forecaster(), (torch.randn(4, 9, 3),)
