import json


class Config:
    """Defaults, overridden by the experiment's JSON file."""

    def __init__(self):
        self.vocab_size = 30
        self.embed = 8
        self.hidden_size = 12
        self.num_layers = 1
        self.dropout = 0.2
        self.bidirectional = False

    def load(self, path):
        with open(path, encoding="utf-8") as handle:
            for key, value in json.load(handle).items():
                setattr(self, key, value)
