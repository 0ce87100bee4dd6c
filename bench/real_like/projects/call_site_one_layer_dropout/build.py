import torch

from train import make_decoder

ISSUE = 12
CAPABILITY = "construction sites"
EFFECT = "dropout_warning"


def build():
    torch.manual_seed(0)
    return make_decoder(30), (torch.randint(0, 30, (5, 2)),)
