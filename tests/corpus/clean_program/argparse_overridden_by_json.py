"""The argparse default is one layer with dropout, but the run reads its real settings from a
config file the code loads: the values at run time are unknown to a reader."""
import argparse
import json

import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, n_features, hidden, num_layers, dropout):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, num_layers, dropout=dropout, batch_first=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)


def parse(argv, config_text):
    parser = argparse.ArgumentParser()
    parser.add_argument("--num_layers", type=int, default=1)
    parser.add_argument("--dropout", type=float, default=0.5)
    args = parser.parse_args(argv)
    vars(args).update(json.loads(config_text))
    return args


def build():
    torch.manual_seed(0)
    args = parse([], '{"num_layers": 2}')
    model = Tagger(5, 8, args.num_layers, args.dropout)
    return model, (torch.randn(2, 7, 5),), (2, 7, 4)
