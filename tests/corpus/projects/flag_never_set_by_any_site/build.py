import torch

from streaming import streaming_encoder


def build():
    torch.manual_seed(0)
    return streaming_encoder(), (torch.randn(2, 9, 20),), (2, 9, 30)
