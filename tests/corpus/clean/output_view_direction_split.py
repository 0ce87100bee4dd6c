"""Bidirectional LSTM whose output is split into forward and backward halves with view()."""
import torch
import torch.nn as nn


class DirectionSplitEncoder(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=2):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, bidirectional=True)
        self.combine = nn.Linear(hidden_size, hidden_size)

    def forward(self, x):
        # x: (seq_len, batch, input_size)
        seq_len, batch, _ = x.shape
        output, (h_n, c_n) = self.lstm(x)
        # documented layout: directions are separated as
        # output.view(seq_len, batch, num_directions, hidden_size)
        per_direction = output.view(seq_len, batch, self.num_directions, self.hidden_size)
        forward_out = per_direction[:, :, 0, :]
        backward_out = per_direction[:, :, 1, :]
        return self.combine(forward_out + backward_out)      # (seq_len, batch, hidden)


def build():
    torch.manual_seed(0)
    model = DirectionSplitEncoder(input_size=10, hidden_size=16)
    x = torch.randn(7, 3, 10)
    return model, (x,), (7, 3, 16)
