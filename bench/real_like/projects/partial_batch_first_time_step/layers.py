import functools

import torch.nn as nn

GRU = functools.partial(nn.GRU, batch_first=True)
