"""Text recogniser: the (batch, channels, height, width) feature map flattened to (batch,
width, channels * height) with a view, where the width axis must first be moved forward."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "axis algebra: view/reshape"
EFFECT = "differs_from_intended"


class CRNN(nn.Module):
    def __init__(self, channels=6, hidden=10, n_chars=15):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
                                  nn.MaxPool2d((4, 1)))
        self.rnn = nn.GRU(channels * 2, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_chars)

    def forward(self, images):
        f = self.conv(images)  # (batch, channels, 2, width)
        b, c, h, w = f.shape
        seq = f.view(b, w, c * h)  # expect: RNN005
        out, _ = self.rnn(seq)
        return self.fc(out)


def intended(model, images):
    f = model.conv(images)
    b, c, h, w = f.shape
    out, _ = model.rnn(f.permute(0, 3, 1, 2).reshape(b, w, c * h))
    return model.fc(out)


def build():
    torch.manual_seed(0)
    return CRNN(), (torch.randn(2, 1, 8, 11),)
