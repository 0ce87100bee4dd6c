"""Sound event detection CRNN: Conv2d over (freq, time), then a batch-first BiGRU per frame."""
import torch
import torch.nn as nn


class SEDCRNN(nn.Module):
    def __init__(self, n_mels=16, n_events=6, channels=8, rnn_hidden=16, bidirectional=True):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, kernel_size=3, padding=1),
            nn.BatchNorm2d(channels),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=(4, 1)),        # pool frequency only, keep every frame
        )
        rnn_input = channels * (n_mels // 4)
        self.gru = nn.GRU(rnn_input, rnn_hidden, batch_first=True, bidirectional=bidirectional)
        self.frame_classifier = nn.Linear(rnn_hidden * (2 if bidirectional else 1), n_events)

    def forward(self, spectrogram):
        # spectrogram: (batch, 1, n_mels, frames)
        x = self.conv(spectrogram)                    # (batch, channels, n_mels // 4, frames)
        batch, channels, freq, frames = x.shape
        x = x.permute(0, 3, 1, 2).reshape(batch, frames, channels * freq)
        x, _ = self.gru(x)
        return torch.sigmoid(self.frame_classifier(x))   # (batch, frames, n_events)


def build():
    torch.manual_seed(0)
    model = SEDCRNN()
    spectrogram = torch.randn(3, 1, 16, 9)
    return model, (spectrogram,), (3, 9, 6)
