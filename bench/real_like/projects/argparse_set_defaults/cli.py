import argparse


def get_args(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-features", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=10)
    parser.add_argument("--layers", type=int)
    parser.add_argument("--dropout", type=float, default=0.25)
    parser.set_defaults(layers=1)
    return parser.parse_args(argv)
