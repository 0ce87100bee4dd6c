import torch
import torch.nn as nn


class BiRNN(nn.Module):
    def __init__(self, input_size, HL_size, num_layers, out_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, HL_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * HL_size, out_size)

    def forward(self, x):
        output, h_n = self.rnn(x)
        last = torch.cat((h_n[-2], h_n[-1]), dim=1)
        return self.fc(last)
