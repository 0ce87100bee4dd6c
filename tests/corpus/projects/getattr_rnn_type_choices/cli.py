import argparse


def get_args(argv=None):
    parser = argparse.ArgumentParser(description="word-level language model")
    parser.add_argument("--model", type=str, default="LSTM", choices=["RNN_TANH", "LSTM", "GRU"])
    parser.add_argument("--emsize", type=int, default=24)
    parser.add_argument("--nhid", type=int, default=24)
    parser.add_argument("--nlayers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.2)
    return parser.parse_args(argv)
