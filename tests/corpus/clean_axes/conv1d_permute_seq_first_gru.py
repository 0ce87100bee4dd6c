"""ECG classifier: Conv1d features (batch, channels, time) permuted to (time, batch, channels)
for a sequence-first GRU; the last time step is `out[-1]`."""
import torch
import torch.nn as nn


class ConvGRUClassifier(nn.Module):
    def __init__(self, leads=2, channels=12, hidden=16, n_classes=5):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv1d(leads, channels, 5, padding=2), nn.ReLU(),
                                  nn.MaxPool1d(2))
        self.gru = nn.GRU(channels, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, signal):
        features = self.conv(signal)          # (batch, channels, time)
        seq = features.permute(2, 0, 1)       # (time, batch, channels)
        out, _ = self.gru(seq)
        return self.fc(out[-1])


def build():
    torch.manual_seed(0)
    return ConvGRUClassifier(), (torch.randn(3, 2, 40),), (3, 5)
