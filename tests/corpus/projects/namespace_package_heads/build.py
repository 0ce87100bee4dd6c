import torch

from nets.recurrent import AttentiveBiGRU


def build():
    torch.manual_seed(0)
    return AttentiveBiGRU(), (torch.randn(5, 10, 8),), (5, 4)
