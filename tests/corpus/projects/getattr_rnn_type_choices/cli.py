import argparse

CELL_TYPES = ["LSTM", "GRU", "RNN"]


def get_args(argv=None):
    parser = argparse.ArgumentParser(description="character language model")
    parser.add_argument("--cell", type=str, default="LSTM", choices=CELL_TYPES)
    parser.add_argument("--embedding-size", type=int, default=24)
    parser.add_argument("--state-size", type=int, default=24)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.2)
    return parser.parse_args(argv)
