"""Layer classes with this project's defaults bound once."""
import functools

import torch.nn as nn

LSTM = functools.partial(nn.LSTM, batch_first=True)
BiGRU = functools.partial(nn.GRU, batch_first=True, bidirectional=True)
