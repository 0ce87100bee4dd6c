"""Experiment settings, kept apart from the model code."""


class Config:
    vocab_size = 50
    emb_dim = 16
    hidden = 24
    num_layers = 2
    bidirectional = True
    dropout = 0.1
    n_classes = 5

    def __init__(self, **overrides):
        for key, value in overrides.items():
            if not hasattr(self, key):
                raise KeyError(key)
            setattr(self, key, value)
