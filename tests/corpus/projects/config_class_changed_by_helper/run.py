from config import Config, stack
from model import Classifier


def create():
    config = Config()
    stack(config, 3)
    return Classifier(config)
