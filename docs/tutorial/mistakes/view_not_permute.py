import torch.nn as nn


class SeqFirst(nn.Module):
    def __init__(self, input_size, hidden_size, out_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, out_size)

    def forward(self, x):
        x = x.view(x.size(1), x.size(0), -1)
        output, h_n = self.rnn(x)
        return self.fc(output[-1])
