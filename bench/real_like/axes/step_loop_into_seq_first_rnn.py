"""A step loop over axis 1 of a batch-first input, feeding `x[:, t].unsqueeze(1)`, (batch, 1,
features), into a sequence-first LSTM: it reads the batch as time and one sample as a batch."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "layout evidence"
EFFECT = "mixes_samples"


class StepTagger(nn.Module):
    def __init__(self, n_features=4, hidden=6, n_tags=3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden)
        self.fc = nn.Linear(hidden, n_tags)

    def forward(self, x):
        state = None
        steps = []
        for t in range(x.size(1)):
            out, state = self.lstm(x[:, t].unsqueeze(1), state)  # expect: RNN004
            steps.append(out)
        return self.fc(torch.cat(steps, dim=1))  # (batch, seq, n_tags) as the code means it


def build():
    torch.manual_seed(0)
    return StepTagger(), (torch.randn(3, 5, 4),)
