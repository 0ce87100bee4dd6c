import torch

from seqtag import Tagger, TaggerConfig


def build():
    torch.manual_seed(0)
    cfg = TaggerConfig(hidden=20)
    model = Tagger(cfg)
    tokens = torch.randint(0, cfg.vocab_size, (2, 7))
    return model, (tokens,), (2, 7, cfg.n_tags)
