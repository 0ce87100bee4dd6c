import torch

import train


def build():
    torch.manual_seed(0)
    train.configure([])
    model = train.Tagger(vocab_size=30, n_tags=7)
    tokens = torch.randint(0, 30, (4, 6))
    return model, (tokens,), (4, 7)
