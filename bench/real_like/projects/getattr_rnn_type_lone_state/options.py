import argparse


def get_args(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rnn-type", default="LSTM", choices=["LSTM", "GRU"])
    parser.add_argument("--hidden", type=int, default=12)
    parser.add_argument("--layers", type=int, default=2)
    return parser.parse_args(argv)
