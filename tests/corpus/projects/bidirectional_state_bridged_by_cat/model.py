import torch.nn as nn

from bridge import Bridge, Reduce
from encoder import BiEncoder


class Tagger(nn.Module):
    def __init__(self, features, hidden, layers, tags):
        super().__init__()
        self.encoder = BiEncoder(features, hidden, layers)
        self.bridge = Bridge()
        self.reduce = Reduce(hidden)
        self.decoder = nn.LSTM(features, 2 * hidden, num_layers=layers)
        self.out = nn.Linear(2 * hidden + hidden, tags)

    def forward(self, x):
        _, state = self.encoder(x)
        outputs, _ = self.decoder(x, self.bridge(state))
        summary = self.reduce(state)
        summary = summary.unsqueeze(0).expand(outputs.size(0), -1, -1)
        return self.out(torch_cat(outputs, summary))


def torch_cat(outputs, summary):
    import torch

    return torch.cat([outputs, summary], dim=2)
