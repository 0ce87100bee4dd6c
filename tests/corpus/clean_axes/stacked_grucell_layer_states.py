"""A stack of GRUCells keeps its states as one (num_layers, batch, hidden) tensor, as an
nn.GRU would, and gives each cell its own (batch, hidden) slice `h[layer]`."""
import torch
import torch.nn as nn


class StackedGRUCells(nn.Module):
    def __init__(self, n_features=5, hidden=8, num_layers=3):
        super().__init__()
        self.hidden = hidden
        self.num_layers = num_layers
        sizes = [n_features] + [hidden] * (num_layers - 1)
        self.cells = nn.ModuleList(nn.GRUCell(size, hidden) for size in sizes)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x):
        # x: (batch, seq, n_features)
        h = x.new_zeros(self.num_layers, x.size(0), self.hidden)
        for t in range(x.size(1)):
            layer_input = x[:, t]
            new_h = []
            for layer, cell in enumerate(self.cells):
                layer_input = cell(layer_input, h[layer])
                new_h.append(layer_input)
            h = torch.stack(new_h)
        return self.head(h[-1])


def build():
    torch.manual_seed(0)
    return StackedGRUCells(), (torch.randn(4, 6, 5),), (4, 2)
