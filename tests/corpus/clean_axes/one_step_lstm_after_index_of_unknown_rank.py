"""One-step LSTM calls on a slice of an input whose rank the code never states: `series[t]
.unsqueeze(0)` is `(1, batch, features)` for a time-major series, and its state is sized with
the series' axis 1; a per-sample call `frames[i].unsqueeze(0)` of a batch-first input is a
batch of one; and an unbatched sequence `tokens[t].unsqueeze(0)` (`(1, features)`) steps with a
two-axis state."""
import torch
import torch.nn as nn


class Stepper(nn.Module):
    def __init__(self, n_in=4, hidden=6, layers=2):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=layers)
        self.per_sample = nn.LSTM(n_in, hidden, num_layers=layers, batch_first=True)

    def step(self, x, state):
        out, state = self.lstm(x, state)
        return out, state

    def forward(self, series, frames, tokens):
        layers, hidden = self.lstm.num_layers, self.lstm.hidden_size
        state = (series.new_zeros(layers, series.shape[1], hidden), series.new_zeros(layers, series.shape[1], hidden))
        outs = []
        for t in range(series.shape[0]):
            out, state = self.step(series[t].unsqueeze(0), state)
            outs.append(out)
        one = (frames.new_zeros(layers, 1, hidden), frames.new_zeros(layers, 1, hidden))
        finals = []
        for i in range(frames.shape[0]):
            _, (h_n, _) = self.per_sample(frames[i].unsqueeze(0), one)
            finals.append(h_n[-1])
        flat = (tokens.new_zeros(layers, hidden), tokens.new_zeros(layers, hidden))
        for t in range(tokens.shape[0]):
            _, flat = self.lstm(tokens[t].unsqueeze(0), flat)
        return torch.cat(outs, 0).sum(0) + torch.cat(finals, 0) + flat[0][-1]


def build():
    torch.manual_seed(0)
    return Stepper(), (torch.randn(5, 3, 4), torch.randn(3, 7, 4), torch.randn(6, 4)), (3, 6)
