import torch

from sentiment import SentimentModel

ISSUE = 12
CAPABILITY = "class hierarchies"
EFFECT = "ignores_parameters"
# the forward direction of the only layer: h_n[-1] never reads it
IGNORED_PARAMETERS = ("gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0", "gru.bias_hh_l0")


def build():
    torch.manual_seed(0)
    return SentimentModel(), (torch.randn(3, 8, 7),)
