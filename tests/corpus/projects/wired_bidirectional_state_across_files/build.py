import torch

from builder import VOCAB, make_model


def build():
    torch.manual_seed(0)
    model = make_model()
    src = torch.randint(0, VOCAB, (7, 3))
    tgt = torch.randint(0, VOCAB, (5, 3))
    return model, (src, tgt), (5, 3, VOCAB)
