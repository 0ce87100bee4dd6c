"""Handwriting generator core: a stack of LSTMCells in a ModuleList, stepped one point at a time."""
import torch
import torch.nn as nn


class StackedCellRNN(nn.Module):
    def __init__(self, input_size=3, hidden_size=24, num_layers=3, output_size=6):
        super().__init__()
        self.hidden_size = hidden_size
        self.cells = nn.ModuleList()
        for layer in range(num_layers):
            # skip connections: every layer also sees the raw input
            in_size = input_size if layer == 0 else input_size + hidden_size
            self.cells.append(nn.LSTMCell(in_size, hidden_size))
        self.output_layer = nn.Linear(hidden_size * num_layers, output_size)

    def forward(self, strokes):
        # strokes: (batch, steps, 3) pen offsets and pen-up flag
        batch, steps, _ = strokes.shape
        states = [(strokes.new_zeros(batch, self.hidden_size),
                   strokes.new_zeros(batch, self.hidden_size)) for _ in self.cells]
        outputs = []
        for t in range(steps):
            x_t = strokes[:, t]
            layer_input = x_t
            tops = []
            for i, cell in enumerate(self.cells):
                states[i] = cell(layer_input, states[i])
                tops.append(states[i][0])
                layer_input = torch.cat([x_t, states[i][0]], dim=1)
            outputs.append(self.output_layer(torch.cat(tops, dim=1)))
        return torch.stack(outputs, dim=1)


def build():
    torch.manual_seed(0)
    model = StackedCellRNN()
    strokes = torch.randn(4, 8, 3)
    return model, (strokes,), (4, 8, 6)
