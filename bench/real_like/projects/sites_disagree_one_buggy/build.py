import torch

from experiments import fast

ISSUE = 12
CAPABILITY = "construction sites"
EFFECT = "dropout_warning"


def build():
    torch.manual_seed(0)
    return fast(4), (torch.randn(3, 6, 4),)
