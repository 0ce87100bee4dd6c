import torch.nn as nn


class GRUDecoder(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.rnn = nn.GRU(features, hidden)

    def forward(self, x, state):
        outputs, _ = self.rnn(x, state[0])
        return outputs


class LSTMDecoder(nn.Module):
    def __init__(self, features, hidden):
        super().__init__()
        self.rnn = nn.LSTM(features, hidden)

    def forward(self, x, state):
        outputs, _ = self.rnn(x, state)
        return outputs


DECODERS = {"gru": GRUDecoder, "lstm": LSTMDecoder}
