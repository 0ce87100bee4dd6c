import torch

from cli import get_parser
from model import Detector


def build():
    torch.manual_seed(0)
    return Detector(get_parser().parse_args([])), (torch.randn(4, 8, 6),), (4, 1)
