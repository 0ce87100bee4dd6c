"""A head sized `hidden * num_layers` for a feature that is `num_directions * hidden` wide:
with the default two layers the numbers agree by accident; any other depth fails. Built
here with three layers to show it."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "roles from use"
EFFECT = "raises"
ERROR = "mat1 and mat2 shapes cannot be multiplied"  # what torch says


class Classifier(nn.Module):
    def __init__(self, n_features=6, hidden=8, num_layers=2, n_classes=4):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden * num_layers, n_classes)  # expect: RNN001

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1))


def build():
    torch.manual_seed(0)
    return Classifier(num_layers=3), (torch.randn(3, 7, 6),)
