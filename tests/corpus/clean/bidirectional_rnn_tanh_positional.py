"""Vanilla bidirectional Elman RNN baseline for frame labelling, built with positional arguments."""
import torch
import torch.nn as nn


class ElmanFrameLabeller(nn.Module):
    def __init__(self, n_inputs, n_hidden, n_labels, n_layers=2):
        super().__init__()
        # nn.RNN order: input_size, hidden_size, num_layers, nonlinearity, bias,
        #               batch_first, dropout, bidirectional
        self.rnn = nn.RNN(n_inputs, n_hidden, n_layers, 'tanh', True, False, 0.0, True)
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.fc = nn.Linear(n_hidden * 2, n_labels)

    def forward(self, frames):
        # frames: (seq_len, batch, n_inputs)
        h0 = frames.new_zeros(self.n_layers * 2, frames.size(1), self.n_hidden)
        out, _ = self.rnn(frames, h0)
        return self.fc(out)


def build():
    torch.manual_seed(0)
    model = ElmanFrameLabeller(n_inputs=10, n_hidden=16, n_labels=4)
    frames = torch.randn(7, 3, 10)
    return model, (frames,), (7, 3, 4)
