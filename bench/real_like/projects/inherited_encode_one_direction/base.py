import torch.nn as nn


class RecurrentEncoder(nn.Module):
    def __init__(self, input_size, hidden_size, bidirectional=False):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)

    def encode(self, x):
        _, h_n = self.gru(x)
        # with bidirectional=True this is the backward direction alone
        return h_n[-1]  # expect: RNN003
