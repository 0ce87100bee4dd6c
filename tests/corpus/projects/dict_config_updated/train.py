import copy

from config import CONFIG
from model import SequenceRegressor


def experiment(overrides):
    cfg = copy.deepcopy(CONFIG)
    for section, values in overrides.items():
        cfg[section].update(values)
    return cfg


def create(cfg):
    return SequenceRegressor(cfg["data"]["n_features"], cfg["model"])


BIG = {"model": {"layers": 3, "dropout": 0.2, "bidirectional": True}}
