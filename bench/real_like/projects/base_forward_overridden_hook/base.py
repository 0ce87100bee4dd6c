import torch.nn as nn


class SequenceModel(nn.Module):
    """Builds a sequence-first LSTM; subclasses choose how to summarise its output."""

    def __init__(self, n_features, hidden):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden)
        self.head = nn.Linear(hidden, 1)

    def summarise(self, out):
        return out[-1]

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(self.summarise(out))
