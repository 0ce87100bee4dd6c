import torch.nn as nn


class FrameEncoder(nn.Module):
    """The head is sized for one direction: every construction in this project keeps
    `bidirectional=False` (the streaming recogniser cannot look ahead)."""

    def __init__(self, n_mels, hidden, n_units, bidirectional=False):
        super().__init__()
        self.gru = nn.GRU(n_mels, hidden, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden, n_units)

    def forward(self, mels):
        out, _ = self.gru(mels)
        return self.fc(out)
