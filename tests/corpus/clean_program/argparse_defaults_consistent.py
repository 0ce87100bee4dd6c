"""Sizes and dropout come from argparse defaults (`--rnn-dropout-rate` read as
`args.rnn_dropout_rate`); with one layer the default dropout is 0, so the LSTM warns nothing."""
import argparse

import torch
import torch.nn as nn


class DMM(nn.Module):
    def __init__(self, input_dim=6, rnn_dim=12, num_layers=1, rnn_dropout_rate=0.0):
        super().__init__()
        self.rnn = nn.RNN(input_dim, rnn_dim, num_layers=num_layers, dropout=rnn_dropout_rate,
                          nonlinearity="relu", batch_first=True)
        self.fc = nn.Linear(rnn_dim, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rnn-dim", type=int, default=12)
    parser.add_argument("--rnn-dropout-rate", type=float, default=0.0)
    parser.add_argument("-n", "--num-layers", dest="layers", type=int, default=1)
    args = parser.parse_args(argv)
    return DMM(rnn_dim=args.rnn_dim, num_layers=args.layers, rnn_dropout_rate=args.rnn_dropout_rate)


def build():
    torch.manual_seed(0)
    return main([]), (torch.randn(3, 5, 6),), (3, 2)
