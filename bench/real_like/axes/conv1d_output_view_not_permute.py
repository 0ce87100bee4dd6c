"""Conv1d features (batch, channels, time) read as (batch, time, channels) with a view: the
values are reinterpreted, not moved, so each 'time step' holds pieces of several channels."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "differs_from_intended"


class ConvLSTM(nn.Module):
    def __init__(self, n_mels=10, channels=8, hidden=12, n_classes=4):
        super().__init__()
        self.channels = channels
        self.conv = nn.Conv1d(n_mels, channels, 3, padding=1)
        self.lstm = nn.LSTM(channels, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, mels):
        features = torch.relu(self.conv(mels))
        seq = features.view(features.size(0), features.size(2), self.channels)  # expect: RNN005
        out, _ = self.lstm(seq)
        return self.fc(out[:, -1])


def intended(model, mels):
    seq = torch.relu(model.conv(mels)).permute(0, 2, 1)
    out, _ = model.lstm(seq)
    return model.fc(out[:, -1])


def build():
    torch.manual_seed(0)
    return ConvLSTM(), (torch.randn(3, 10, 9),)
