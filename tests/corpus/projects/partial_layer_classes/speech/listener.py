import torch.nn as nn

from .layers import LSTM, BiGRU


class Listener(nn.Module):
    """Frames (batch, time, n_mels) -> a bidirectional GRU -> an LSTM -> one label per clip."""

    def __init__(self, n_mels=20, hidden=16, n_labels=6):
        super().__init__()
        self.frames = BiGRU(n_mels, hidden)
        self.summary = LSTM(2 * hidden, hidden)
        self.head = nn.Linear(hidden, n_labels)

    def forward(self, mels):
        frames, _ = self.frames(mels)
        out, (h_n, _) = self.summary(frames)
        return self.head(out[:, -1] + h_n[-1])
