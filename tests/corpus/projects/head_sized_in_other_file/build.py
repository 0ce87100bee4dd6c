import torch

from config import Config
from model import TextClassifier


def build():
    torch.manual_seed(0)
    cfg = Config(hidden=20)
    model = TextClassifier(cfg)
    tokens = torch.randint(1, cfg.vocab_size, (3, 9))
    return model, (tokens,), (3, cfg.n_classes)
