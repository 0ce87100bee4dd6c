import torch.nn as nn


class BiEncoder(nn.Module):
    def __init__(self, features, hidden, layers):
        super().__init__()
        self.rnn = nn.LSTM(features, hidden, num_layers=layers, bidirectional=True)

    def forward(self, x):
        outputs, (h_n, c_n) = self.rnn(x)
        return outputs, (h_n, c_n)
