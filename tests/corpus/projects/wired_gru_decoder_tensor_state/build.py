import torch

from construct import VOCAB, make_base_model


def build():
    torch.manual_seed(0)
    model = make_base_model()
    src = torch.randint(0, VOCAB, (6, 4))
    tgt = torch.randint(0, VOCAB, (5, 4))
    return model, (src, tgt), (5, 4, VOCAB)
