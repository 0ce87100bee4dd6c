import torch

from model import Classifier

ISSUE = 12
CAPABILITY = "config objects"
EFFECT = "raises"
ERROR = "must be equal to input_size"  # what torch says


def build():
    torch.manual_seed(0)
    return Classifier(), (torch.randint(0, 60, (3, 7)),)
