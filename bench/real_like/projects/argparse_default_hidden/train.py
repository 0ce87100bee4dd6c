import argparse

from model import Classifier


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emb-dim", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--n-classes", type=int, default=4)
    return parser


def main(argv=None):
    args = get_parser().parse_args(argv)
    return Classifier(args, vocab_size=50)


if __name__ == "__main__":
    main()
