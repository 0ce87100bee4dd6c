"""Two configurations, each correct: a small one without dropout, a deep one with it. Mixing
their values (one layer with dropout 0.5) is a configuration no site builds."""
from model import Forecaster


def small(n_features):
    return Forecaster(n_features, 8, num_layers=1, dropout=0.0)


def deep(n_features):
    return Forecaster(n_features, 16, num_layers=3, dropout=0.5)
