"""Per-layer predictions returned: `h_n` moved to (batch, layers, hidden) still has one row
per layer when it reaches the head, so the model returns (batch, layers, n_classes)."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: state into head"
EFFECT = "wrong_shape"
EXPECTED_SHAPE = (4, 3)


class LayeredClassifier(nn.Module):
    def __init__(self, n_features=5, hidden=8, layers=2, n_classes=3):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, layers, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n.transpose(0, 1))  # expect: RNN002


def build():
    torch.manual_seed(0)
    return LayeredClassifier(), (torch.randn(4, 6, 5),)
