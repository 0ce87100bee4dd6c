"""`getattr(nn, args.rnn_type)` over the names `choices=[...]` allows; the LSTM's state tuple
is taken apart before the head, so every choice works."""
import argparse

import torch
import torch.nn as nn


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rnn-type", choices=["LSTM", "GRU", "RNN"], default="LSTM")
    parser.add_argument("--hidden", type=int, default=16)
    return parser


class CharModel(nn.Module):
    def __init__(self, rnn_type, n_chars=20, hidden=16):
        super().__init__()
        self.rnn_type = rnn_type
        self.embed = nn.Embedding(n_chars, hidden)
        self.rnn = getattr(nn, rnn_type)(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_chars)

    def forward(self, x):
        _, hidden = self.rnn(self.embed(x))
        if isinstance(hidden, tuple):
            hidden = hidden[0]
        return self.out(hidden[-1])


def build():
    torch.manual_seed(0)
    args = get_parser().parse_args([])
    model = CharModel(args.rnn_type, hidden=args.hidden)
    return model, (torch.randint(0, 20, (3, 6)),), (3, 20)
