from pathlib import Path

from config import Config
from model import Encoder


def create(path=Path(__file__).with_name("experiment.json")):
    config = Config()
    config.load(path)
    return Encoder(config)
