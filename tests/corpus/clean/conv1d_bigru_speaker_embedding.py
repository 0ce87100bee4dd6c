"""Speaker embedding: frames (batch, time, n_mels) turned channels-first for a Conv1d, back to
batch first for a bidirectional GRU, and the last layer's two directions joined as the embedding."""
import torch
import torch.nn as nn


class SpeakerEncoder(nn.Module):
    def __init__(self, n_mels=10, channels=12, hidden=9, embedding=6):
        super().__init__()
        self.conv = nn.Conv1d(n_mels, channels, kernel_size=5, padding=2)
        self.gru = nn.GRU(channels, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.project = nn.Linear(2 * hidden, embedding)

    def forward(self, frames):
        feats = torch.relu(self.conv(frames.transpose(1, 2)))
        _, h_n = self.gru(feats.transpose(1, 2))
        joined = torch.cat([h_n[-2], h_n[-1]], dim=1)
        return nn.functional.normalize(self.project(joined), dim=-1)


def build():
    torch.manual_seed(0)
    return SpeakerEncoder(), (torch.randn(3, 11, 10),), (3, 6)
