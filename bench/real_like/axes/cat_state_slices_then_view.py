"""Both directions of the last layer joined along the batch axis (dim 0) and then viewed as
(batch, 2 * hidden): each row mixes two samples instead of two directions of one."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "mixes_samples"


class Classifier(nn.Module):
    def __init__(self, n_features=5, hidden=8, n_classes=3):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(n_features, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        both = torch.cat([h_n[-2], h_n[-1]], dim=0)
        features = both.view(x.size(0), 2 * self.hidden)  # expect: RNN005
        return self.fc(features)


def build():
    torch.manual_seed(0)
    return Classifier(), (torch.randn(4, 7, 5),)
