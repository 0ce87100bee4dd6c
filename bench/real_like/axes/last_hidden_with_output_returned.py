"""The sequence output is returned too, but the classifier is fed `h_n[-1]` of a
bidirectional GRU as the summary: the backward direction only."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "smaller gaps"
EFFECT = "ignores_parameters"
# the forward direction of the only layer
IGNORED_PARAMETERS = ("gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0", "gru.bias_hh_l0")


class TaggerAndClassifier(nn.Module):
    def __init__(self, n_features=5, hidden=6, n_classes=3):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        out, h_n = self.gru(x)
        return self.fc(h_n[-1]), out  # expect: RNN003


def build():
    torch.manual_seed(0)
    return TaggerAndClassifier(), (torch.randn(3, 7, 5),)
