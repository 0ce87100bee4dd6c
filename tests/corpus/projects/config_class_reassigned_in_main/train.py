from config import Config
from model import Tagger


def main():
    config = Config()
    config.num_layers = 2  # the experiment stacks two layers: the dropout acts between them
    return Tagger(config)
