"""The top layer's directions stacked to (2, batch, hidden), moved behind the batch with
`transpose(0, 1)` and only then reshaped to (batch, 2 * hidden)."""
import torch
import torch.nn as nn


class StackedDirections(nn.Module):
    def __init__(self, n_features=5, hidden=6, layers=2, n_classes=3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.stack([h_n[-2], h_n[-1]])
        return self.fc(last.transpose(0, 1).reshape(x.size(0), -1))


def build():
    torch.manual_seed(0)
    return StackedDirections(), (torch.randn(4, 7, 5),), (4, 3)
