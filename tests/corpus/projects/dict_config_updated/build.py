import torch

from train import BIG, create, experiment


def build():
    torch.manual_seed(0)
    cfg = experiment(BIG)
    model = create(cfg)
    x = torch.randn(5, cfg["data"]["window"], cfg["data"]["n_features"])
    return model, (x,), (5, 1)
