"""Handwriting recogniser: a conv stack whose (batch, channels, height, width) map is permuted
to (batch, width, channels, height) and flattened so that width is time."""
import torch
import torch.nn as nn


class LineRecogniser(nn.Module):
    def __init__(self, n_chars=20, channels=8, hidden=16):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d((2, 1)),
        )
        feature_height = 16 // 4
        self.rnn = nn.LSTM(channels * feature_height, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_chars + 1)

    def forward(self, images):
        features = self.conv(images)  # (batch, channels, 4, width)
        b, c, h, w = features.size()
        seq = features.permute(0, 3, 1, 2).reshape(b, w, c * h)
        out, _ = self.rnn(seq)
        return self.fc(out).log_softmax(-1)


def build():
    torch.manual_seed(0)
    images = torch.randn(2, 1, 16, 24)
    return LineRecogniser(), (images,), (2, 24, 21)
