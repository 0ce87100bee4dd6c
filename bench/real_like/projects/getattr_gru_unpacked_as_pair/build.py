import torch

from model import Encoder
from options import get_parser

ISSUE = 12
CAPABILITY = "getattr(nn, name)"
EFFECT = "wrong_shape"
# the GRU's h_n unpacks into its two layers, and `h[-1]` is then the last sample of layer 0
EXPECTED_SHAPE = (3, 3)


def build():
    torch.manual_seed(0)
    return Encoder(get_parser().parse_args([])), (torch.randn(3, 6, 4),)
