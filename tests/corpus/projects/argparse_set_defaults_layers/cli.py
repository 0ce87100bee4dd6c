import argparse


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-features", type=int, default=6)
    parser.add_argument("--hidden", type=int, default=10)
    parser.add_argument("--layers", type=int)
    parser.add_argument("--dropout", type=float, default=0.25)
    parser.add_argument("--unidirectional", dest="bidirectional", action="store_false")
    # the defaults of the published model: two layers, both directions
    parser.set_defaults(layers=2, bidirectional=True)
    return parser
