import torch

from train import FEATURES, TAGS, setup_model


def build():
    torch.manual_seed(0)
    model = setup_model()
    src = torch.randn(3, 8, FEATURES)
    tgt = torch.randn(3, 6, FEATURES)
    return model, (src, tgt), (3, 6, TAGS)
