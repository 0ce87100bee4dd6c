import torch.nn as nn

from base import RecurrentEncoder


class SentimentModel(RecurrentEncoder):
    def __init__(self, input_size=7, hidden_size=9, n_classes=2):
        super().__init__(input_size, hidden_size, bidirectional=True)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        return self.fc(self.encode(x))
