from importlib import import_module

from model import Regressor


def create(name):
    cfg = import_module(f"configs.{name}").Config()
    return Regressor(cfg)
