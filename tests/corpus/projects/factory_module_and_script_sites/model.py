"""An encoder whose LSTM comes from the factory module; the script in this file builds it the
way training does (two layers, so the dropout acts), and the head is sized for both directions."""
import argparse

import torch.nn as nn

from layers import LSTM, Linear


class Encoder(nn.Module):
    def __init__(self, vocab, embed_dim=16, hidden_size=24, num_layers=1, dropout_in=0.1,
                 bidirectional=False):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim)
        self.lstm = LSTM(embed_dim, hidden_size, num_layers=num_layers,
                         dropout=dropout_in if num_layers > 1 else 0.0, bidirectional=bidirectional)
        self.output_units = hidden_size * (2 if bidirectional else 1)
        self.proj = Linear(self.output_units, 5)

    def forward(self, tokens):
        x = self.embed(tokens).transpose(0, 1)
        out, _ = self.lstm(x)
        return self.proj(out[-1])


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--encoder-layers", type=int, default=2)
    parser.add_argument("--encoder-bidirectional", action="store_true")
    parser.add_argument("--dropout", type=float, default=0.2)
    return parser


def build_model(args, vocab):
    return Encoder(vocab, num_layers=args.encoder_layers, dropout_in=args.dropout,
                   bidirectional=args.encoder_bidirectional)


if __name__ == "__main__":
    build_model(get_parser().parse_args(), 30)
