import argparse
from importlib import import_module

parser = argparse.ArgumentParser()
parser.add_argument("--model", type=str, required=True, help="rcnn or deep")


def create(name):
    x = import_module("models." + name)
    config = x.Config(50)
    return x.Model(config)


if __name__ == "__main__":
    args = parser.parse_args()
    model = create(args.model)
