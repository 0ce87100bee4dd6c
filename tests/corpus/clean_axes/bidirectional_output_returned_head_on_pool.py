"""A bidirectional GRU whose output and `h_n` are both returned: the classifier reads the
time-pooled output (both directions); `h_n` is handed back as state, not as the summary."""
import torch
import torch.nn as nn


class TagAndClassify(nn.Module):
    def __init__(self, n_features=5, hidden=6, n_classes=3, n_tags=4):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True, bidirectional=True)
        self.classify = nn.Linear(2 * hidden, n_classes)
        self.tag = nn.Linear(2 * hidden, n_tags)

    def forward(self, x):
        out, h_n = self.gru(x)
        return self.classify(out.mean(dim=1)), self.tag(out), h_n


def build():
    torch.manual_seed(0)
    return TagAndClassify(), (torch.randn(3, 7, 5),), (3, 3)
