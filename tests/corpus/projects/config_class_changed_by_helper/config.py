class Config:
    def __init__(self):
        self.vocab_size = 40
        self.embed = 10
        self.hidden_size = 14
        self.num_layers = 1
        self.dropout = 0.3
        self.n_classes = 3


def stack(config, layers):
    """The deeper variant of an experiment."""
    config.num_layers = layers
