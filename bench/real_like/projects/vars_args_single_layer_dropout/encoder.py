import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, dropout, **unused):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers=num_layers,  # expect: RNN009
                          dropout=dropout, batch_first=True)
        self.out = nn.Linear(hidden_size, 1)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.out(h_n[-1])
