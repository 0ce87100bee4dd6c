import torch

from model import Forecaster
from options import parse


def build():
    torch.manual_seed(0)
    args = parse([])
    model = Forecaster(args)
    history = torch.randn(5, 12, args.input_size)
    return model, (history,), (5, args.horizon)
