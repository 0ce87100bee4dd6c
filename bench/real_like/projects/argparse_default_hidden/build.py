import torch

from train import main

ISSUE = 12
CAPABILITY = "argparse defaults"
EFFECT = "raises"
ERROR = "must be equal to input_size"  # what torch says


def build():
    torch.manual_seed(0)
    return main([]), (torch.randint(0, 50, (3, 6)),)
