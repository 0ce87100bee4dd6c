import torch

from train import create_model

ISSUE = 12
CAPABILITY = "argparse defaults"
EFFECT = "dropout_warning"


def build():
    torch.manual_seed(0)
    return create_model([]), (torch.randn(3, 6, 5),)
