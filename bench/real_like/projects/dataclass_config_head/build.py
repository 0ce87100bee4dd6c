import torch

from config import EncoderConfig
from model import ActivityModel

ISSUE = 12
CAPABILITY = "config objects"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


def build():
    torch.manual_seed(0)
    return ActivityModel(EncoderConfig()), (torch.randn(3, 9, 8),)
