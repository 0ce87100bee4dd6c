"""Conv1d features (batch, channels, time) permuted to (batch, time, channels), made
contiguous, and only then given to `view`: the view keeps the permuted order."""
import torch
import torch.nn as nn


class ConvThenLSTM(nn.Module):
    def __init__(self, n_mels=10, channels=8, hidden=12, n_classes=4):
        super().__init__()
        self.channels = channels
        self.conv = nn.Conv1d(n_mels, channels, 3, padding=1)
        self.lstm = nn.LSTM(channels, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, mels):
        features = torch.relu(self.conv(mels))
        b, c, t = features.shape
        seq = features.permute(0, 2, 1).contiguous().view(b, t, self.channels)
        out, _ = self.lstm(seq)
        return self.fc(out[:, -1])


def build():
    torch.manual_seed(0)
    return ConvThenLSTM(), (torch.randn(3, 10, 9),), (3, 4)
