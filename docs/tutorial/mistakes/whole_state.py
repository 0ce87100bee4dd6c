import torch.nn as nn


class BiRNN(nn.Module):
    def __init__(self, input_size, HL_size, num_layers, out_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, HL_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(HL_size, out_size)

    def forward(self, x):
        output, h_n = self.rnn(x)
        return self.fc(h_n)
