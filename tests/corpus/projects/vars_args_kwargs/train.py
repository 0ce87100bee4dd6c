import argparse

from tagger import BiLSTMTagger


def get_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emb-dim", type=int, default=16)
    parser.add_argument("--hidden-dim", type=int, default=24)
    parser.add_argument("--num-layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--no-bidirectional", dest="bidirectional", action="store_false")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--epochs", type=int, default=3)
    return parser


def create_model(args, vocab_size, n_tags):
    return BiLSTMTagger(vocab_size=vocab_size, n_tags=n_tags, **vars(args))
