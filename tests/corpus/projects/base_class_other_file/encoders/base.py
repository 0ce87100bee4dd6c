import torch
import torch.nn as nn


class RecurrentBase(nn.Module):
    """Builds the GRU; subclasses build their heads from `self.output_size` or from the
    arguments they pass here."""

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=True):
        super().__init__()
        self.bidirectional = bidirectional
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True,
                          bidirectional=bidirectional)
        self.output_size = hidden_size * (2 if bidirectional else 1)

    def encode(self, x):
        _, h_n = self.gru(x)
        if self.bidirectional:
            return torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return h_n[-1]
