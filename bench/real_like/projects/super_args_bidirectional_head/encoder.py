import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, input_size, hidden_size, bidirectional):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)

    def encode(self, x):
        out, _ = self.lstm(x)
        return out
