import torch.nn as nn

from kws.constants import CONV_CHANNELS, N_MELS


class ConvFrontend(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(N_MELS, CONV_CHANNELS, kernel_size=3, padding=1)
        self.act = nn.ReLU()

    def forward(self, mels):
        # (batch, n_mels, frames) -> (batch, frames, conv_channels)
        return self.act(self.conv(mels)).transpose(1, 2)
