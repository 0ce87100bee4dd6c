"""Command-line options. The defaults below are only a fallback: the JSON file named by
`--config` (configs/default.json unless given) is always loaded and wins."""
import argparse
import json
from pathlib import Path

DEFAULT_CONFIG = Path(__file__).parent / "configs" / "default.json"


def get_parser():
    parser = argparse.ArgumentParser("gru-forecaster")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--input-size", type=int, default=4)
    parser.add_argument("--hidden-size", type=int, default=64)
    parser.add_argument("--num-layers", type=int, default=1)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--horizon", type=int, default=1)
    return parser


def parse(argv=None):
    args = get_parser().parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        for key, value in json.load(handle).items():
            setattr(args, key, value)
    return args
