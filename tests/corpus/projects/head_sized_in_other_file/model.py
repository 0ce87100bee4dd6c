import torch.nn as nn

from encoder import SentenceEncoder
from heads import ClassifierHead


class TextClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = SentenceEncoder(cfg)
        self.head = ClassifierHead(cfg)

    def forward(self, tokens):
        return self.head(self.encoder(tokens))
