import argparse


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rnn-type", choices=["LSTM", "GRU"], default="GRU")
    parser.add_argument("--hidden", type=int, default=10)
    parser.add_argument("--layers", type=int, default=2)
    return parser
