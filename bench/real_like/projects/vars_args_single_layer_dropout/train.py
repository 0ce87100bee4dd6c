import argparse

from encoder import Encoder


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input-size", type=int, default=5)
    parser.add_argument("--hidden-size", type=int, default=16)
    parser.add_argument("--num-layers", type=int, default=1)
    parser.add_argument("--dropout", type=float, default=0.4)
    parser.add_argument("--lr", type=float, default=1e-3)
    return parser


def create_model(argv=None):
    args = get_parser().parse_args(argv)
    return Encoder(**vars(args))
