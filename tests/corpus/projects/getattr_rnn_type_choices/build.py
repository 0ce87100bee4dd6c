import torch
import torch.nn as nn

from cli import get_args
from model import CharLM


class FromZeroState(nn.Module):
    """Runs the model from a zero state, as the sampling script does for every prompt."""

    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, chars):
        return self.lm(chars, self.lm.zero_state(chars.size(1)))


def build():
    torch.manual_seed(0)
    args = get_args([])
    lm = CharLM(args.cell, 50, args.embedding_size, args.state_size, args.depth, args.dropout)
    chars = torch.randint(0, 50, (9, 4))
    return FromZeroState(lm), (chars,), (9, 4, 50)
