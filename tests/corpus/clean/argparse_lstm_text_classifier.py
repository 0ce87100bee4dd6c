"""Text classifier configured from command-line arguments, as in a train.py script."""
import argparse

import torch
import torch.nn as nn


def get_parser():
    parser = argparse.ArgumentParser(description='LSTM text classifier')
    parser.add_argument('--embed_dim', type=int, default=32)
    parser.add_argument('--hidden_dim', type=int, default=64)
    parser.add_argument('--num_layers', type=int, default=1)
    parser.add_argument('--bidirectional', action='store_true')
    parser.add_argument('--dropout', type=float, default=0.0)
    return parser


class LSTMClassifier(nn.Module):
    def __init__(self, args, vocab_size, num_classes):
        super(LSTMClassifier, self).__init__()
        self.args = args
        self.embed = nn.Embedding(vocab_size, args.embed_dim)
        self.lstm = nn.LSTM(args.embed_dim, args.hidden_dim, num_layers=args.num_layers,
                            dropout=args.dropout if args.num_layers > 1 else 0,
                            bidirectional=args.bidirectional, batch_first=True)
        num_directions = 2 if args.bidirectional else 1
        self.fc = nn.Linear(args.hidden_dim * num_directions, num_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(self.embed(x))
        if self.args.bidirectional:
            feature = torch.cat([h_n[-2], h_n[-1]], dim=1)
        else:
            feature = h_n[-1]
        return self.fc(feature)


def build():
    torch.manual_seed(0)
    args = argparse.Namespace(embed_dim=16, hidden_dim=24, num_layers=2, bidirectional=True,
                              dropout=0.3)
    model = LSTMClassifier(args, vocab_size=40, num_classes=4)
    x = torch.randint(0, 40, (3, 7))
    return model, (x,), (3, 4)
