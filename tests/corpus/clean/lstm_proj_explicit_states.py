"""Streaming acoustic model: LSTMP with states carried between chunks (h is proj_size wide)."""
import torch
from torch import nn


class StreamingLSTMP(nn.Module):
    def __init__(self, input_dim, cell_dim, proj_dim, layers, n_tokens):
        super().__init__()
        self.layers = layers
        self.cell_dim = cell_dim
        self.proj_dim = proj_dim
        self.rnn = nn.LSTM(input_dim, cell_dim, num_layers=layers, proj_size=proj_dim)
        self.output = nn.Linear(proj_dim, n_tokens)

    def zero_state(self, batch_size):
        # h_0 uses proj_size, c_0 keeps the full hidden_size
        h_0 = torch.zeros(self.layers, batch_size, self.proj_dim)
        c_0 = torch.zeros(self.layers, batch_size, self.cell_dim)
        return h_0, c_0

    def forward(self, chunk, state=None):
        # chunk: (frames, batch, input_dim)
        if state is None:
            state = self.zero_state(chunk.shape[1])
        out, (h_n, c_n) = self.rnn(chunk, state)
        return self.output(out), (h_n.detach(), c_n.detach())


def build():
    torch.manual_seed(0)
    model = StreamingLSTMP(input_dim=20, cell_dim=48, proj_dim=12, layers=2, n_tokens=30)
    chunk = torch.randn(6, 4, 20)
    return model, (chunk, model.zero_state(4)), (6, 4, 30)
