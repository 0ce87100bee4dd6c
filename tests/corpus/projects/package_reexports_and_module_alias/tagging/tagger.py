import torch.nn as nn

from tagging import settings
from tagging.nets import RecurrentEncoder


class Tagger(RecurrentEncoder):
    def __init__(self):
        super().__init__()
        # both directions are concatenated: DIRECTIONS * HIDDEN features per step
        self.to_tags = nn.Linear(settings.DIRECTIONS * settings.HIDDEN, settings.N_TAGS)
        self.also = nn.Linear(self.output_size, settings.N_TAGS)

    def forward(self, x):
        features = self.encode(x)
        return self.to_tags(features) + self.also(features)
