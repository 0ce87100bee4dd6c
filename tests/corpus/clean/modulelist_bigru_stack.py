"""Stack of bidirectional GRUs kept in a ModuleList so each layer's output can be inspected."""
import torch
from torch import nn


class BiGRUStack(nn.Module):
    def __init__(self, input_dim, hidden_dim, n_layers, n_out):
        super().__init__()
        self.grus = nn.ModuleList()
        in_dim = input_dim
        for _ in range(n_layers):
            self.grus.append(nn.GRU(in_dim, hidden_dim, batch_first=True, bidirectional=True))
            in_dim = hidden_dim * 2        # the next layer sees both directions
        self.norms = nn.ModuleList([nn.LayerNorm(hidden_dim * 2) for _ in range(n_layers)])
        self.proj = nn.Linear(hidden_dim * 2 * n_layers, n_out)

    def forward(self, x):
        layer_outputs = []
        for gru, norm in zip(self.grus, self.norms):
            x, _ = gru(x)
            x = norm(x)
            layer_outputs.append(x)
        # concatenate every layer's features, ELMo-like
        return self.proj(torch.cat(layer_outputs, dim=-1))


def build():
    torch.manual_seed(0)
    model = BiGRUStack(input_dim=12, hidden_dim=16, n_layers=3, n_out=4)
    x = torch.randn(4, 7, 12)
    return model, (x,), (4, 7, 4)
