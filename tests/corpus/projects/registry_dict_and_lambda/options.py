import argparse

from layers import RNNS


def parse(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", choices=sorted(RNNS), default="lstm")
    parser.add_argument("--hidden", type=int, default=12)
    parser.add_argument("--layers", type=int, default=2)
    return parser.parse_args(argv)
