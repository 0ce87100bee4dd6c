import torch.nn as nn


class BiGRUEncoder(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.rnn = nn.GRU(features, hidden, batch_first=True, bidirectional=True)

    def forward(self, x):
        outputs, h_n = self.rnn(x)
        return outputs, h_n
