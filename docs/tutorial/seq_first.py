import torch.nn as nn


class SeqFirst(nn.Module):
    def __init__(self, input_size, hidden_size, out_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size)  # batch_first=False: (seq, batch, feature)
        self.fc = nn.Linear(hidden_size, out_size)

    def forward(self, x):
        x = x.permute(1, 0, 2)  # (batch, seq, feature) -> (seq, batch, feature)
        output, h_n = self.rnn(x)
        return self.fc(output[-1])  # the last time step of a sequence-first output
