from types import SimpleNamespace

DEFAULTS = dict(n_features=6, hidden=16, layers=1, dropout=0.0, horizon=2)


def hparams(**overrides):
    values = dict(DEFAULTS)
    values.update(overrides)
    return SimpleNamespace(**values)
