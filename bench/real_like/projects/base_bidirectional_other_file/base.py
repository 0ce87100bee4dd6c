import torch.nn as nn


class BaseEncoder(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.rnn = nn.GRU(input_size, hidden_size, num_layers, batch_first=True,
                          bidirectional=bidirectional)

    def encode(self, x):
        out, _ = self.rnn(x)
        return out[:, -1]
