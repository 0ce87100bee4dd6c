"""Stateful LSTM for long streams: the state is kept on the module and detached between chunks."""
import torch
import torch.nn as nn


class StatefulLSTM(nn.Module):
    def __init__(self, n_inputs, n_hidden, n_outputs, n_layers=2):
        super().__init__()
        self.n_layers = n_layers
        self.n_hidden = n_hidden
        self.lstm = nn.LSTM(n_inputs, n_hidden, n_layers, batch_first=True)
        self.linear = nn.Linear(n_hidden, n_outputs)
        self.hidden = None

    def reset_state(self, batch_size):
        weight = self.lstm.weight_hh_l0
        self.hidden = (weight.new_zeros(self.n_layers, batch_size, self.n_hidden),
                       weight.new_zeros(self.n_layers, batch_size, self.n_hidden))

    def forward(self, chunk):
        if self.hidden is None or self.hidden[0].size(1) != chunk.size(0):
            self.reset_state(chunk.size(0))
        out, hidden = self.lstm(chunk, self.hidden)
        # truncated backprop: keep the values, drop the graph
        self.hidden = tuple(h.detach() for h in hidden)
        return self.linear(out)


def build():
    torch.manual_seed(0)
    model = StatefulLSTM(n_inputs=3, n_hidden=20, n_outputs=3)
    chunk = torch.randn(4, 6, 3)
    return model, (chunk,), (4, 6, 3)
