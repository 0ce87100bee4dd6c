import torch

from tagging import settings
from tagging.tagger import Tagger


def build():
    torch.manual_seed(0)
    return Tagger(), (torch.randn(3, 8, settings.EMBED),), (3, 8, settings.N_TAGS)
