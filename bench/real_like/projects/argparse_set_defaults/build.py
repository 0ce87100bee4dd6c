import torch

from cli import get_args
from model import Detector

ISSUE = 12
CAPABILITY = "argparse defaults"
EFFECT = "dropout_warning"


def build():
    torch.manual_seed(0)
    return Detector(get_args([])), (torch.randn(4, 8, 6),)
