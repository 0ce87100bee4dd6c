import torch.nn as nn

from .. import settings as S


class RecurrentEncoder(nn.Module):
    """Builds the LSTM from the shared settings; subclasses add their heads."""

    def __init__(self, input_size=S.EMBED):
        super().__init__()
        self.lstm = nn.LSTM(input_size, S.HIDDEN, batch_first=True, bidirectional=S.BIDIRECTIONAL)
        self.output_size = S.HIDDEN * S.DIRECTIONS

    def encode(self, x):
        out, _ = self.lstm(x)
        return out
