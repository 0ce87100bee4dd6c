"""The last layer's two directions stacked, (2, batch, hidden), then viewed as (batch,
2 * hidden): without moving the directions axis behind the batch, rows mix samples."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "mixes_samples"


class Classifier(nn.Module):
    def __init__(self, n_features=5, hidden=6, layers=2, n_classes=3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.stack([h_n[-2], h_n[-1]])
        return self.fc(last.reshape(x.size(0), -1))  # expect: RNN005


def build():
    torch.manual_seed(0)
    return Classifier(), (torch.randn(4, 7, 5),)
