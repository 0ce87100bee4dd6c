import torch

from forecaster import Forecaster


def build():
    torch.manual_seed(0)
    model = Forecaster(5, hidden_size=8, num_layers=2, dropout=0.2)
    return model, (torch.randn(4, 7, 5),), (4, 3)
