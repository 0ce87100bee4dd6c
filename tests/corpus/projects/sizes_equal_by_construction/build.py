import torch

import config
from lm import TiedLanguageModel


def build():
    torch.manual_seed(0)
    model = TiedLanguageModel()
    tokens = torch.randint(0, config.VOCAB, (8, 3))
    return model, (tokens,), (8, 3, config.VOCAB)
