"""Piano rolls, (batch, frames, pitches), as the script part of train.py reads them."""
import torch


def random_rolls(batch, frames, pitches=88):
    return (torch.rand(batch, frames, pitches) > 0.9).float()
