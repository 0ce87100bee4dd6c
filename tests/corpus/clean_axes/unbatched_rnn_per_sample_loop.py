"""Each sample of a batch-first tensor given to a GRU on its own, unbatched: a 2-D input
(seq, features) is one sequence, so looping over the batch axis here is right."""
import torch
import torch.nn as nn


class UnbatchedReader(nn.Module):
    def __init__(self, n_features=4, hidden=7, n_classes=3):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        finals = []
        for sample in x:  # sample: (seq, n_features)
            _, h_n = self.gru(sample)  # h_n: (1, hidden)
            finals.append(h_n[-1])
        return self.fc(torch.stack(finals))


def build():
    torch.manual_seed(0)
    return UnbatchedReader(), (torch.randn(3, 6, 4),), (3, 3)
