import torch

from model import Forecaster
from options import get_args

ISSUE = 12
CAPABILITY = "getattr(nn, name)"
EFFECT = "raises"
ERROR = "hx and cx should also be 3-D"  # what torch says


def build():
    torch.manual_seed(0)
    return Forecaster(get_args([])), (torch.randn(3, 8, 4),)
