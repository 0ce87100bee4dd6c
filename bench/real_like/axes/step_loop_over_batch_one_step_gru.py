"""A batch-first GRU fed one step at a time, with the loop bound taken from the batch axis:
`len(x)` of a (batch, seq, features) tensor is the batch size."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "step-loop-over-batch"
EFFECT = "differs_from_intended"


class Stepwise(nn.Module):
    def __init__(self, n_features=5, hidden=7):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        h = None
        for t in range(len(x)):  # expect: RNN012
            _, h = self.gru(x[:, t : t + 1], h)
        return self.out(h[-1])


def intended(model, x):
    _, h = model.gru(x)
    return model.out(h[-1])


def build():
    torch.manual_seed(0)
    return Stepwise(), (torch.randn(2, 9, 5),)
