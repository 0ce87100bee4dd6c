import torch.nn as nn

from . import constants
from .frontend import ConvFrontend


class KeywordSpotter(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.frontend = ConvFrontend()
        # fed the frontend's CONV_CHANNELS features, not N_MELS
        self.gru = nn.GRU(constants.N_MELS, hidden, batch_first=True)  # expect: RNN008
        self.fc = nn.Linear(hidden, constants.N_KEYWORDS)

    def forward(self, mels):
        _, h_n = self.gru(self.frontend(mels))
        return self.fc(h_n[-1])
