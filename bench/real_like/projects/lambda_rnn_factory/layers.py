import torch.nn as nn

bigru = lambda n_in, n_hidden: nn.GRU(n_in, n_hidden, batch_first=True, bidirectional=True)  # noqa: E731
