from dataclasses import replace

from config import ModelConfig, TrainConfig
from model import PairClassifier


def experiment_config() -> TrainConfig:
    base = ModelConfig()
    return TrainConfig(model=replace(base, num_layers=2, dropout=0.25, bidirectional=True))


def create(cfg: TrainConfig) -> PairClassifier:
    return PairClassifier(cfg.model)
