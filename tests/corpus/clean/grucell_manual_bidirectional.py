"""Bidirectional encoder unrolled by hand with two GRUCells (one per direction)."""
import torch
import torch.nn as nn


class ManualBiGRU(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.fwd_cell = nn.GRUCell(input_size, hidden_size)
        self.bwd_cell = nn.GRUCell(input_size, hidden_size)

    def forward(self, x):
        # x: (seq_len, batch, input_size)
        seq_len, batch, _ = x.shape
        h_f = x.new_zeros(batch, self.hidden_size)
        h_b = x.new_zeros(batch, self.hidden_size)
        forward_states, backward_states = [], []
        for t in range(seq_len):
            h_f = self.fwd_cell(x[t], h_f)
            forward_states.append(h_f)
            h_b = self.bwd_cell(x[seq_len - 1 - t], h_b)
            backward_states.append(h_b)
        backward_states.reverse()
        return torch.cat([torch.stack(forward_states), torch.stack(backward_states)], dim=2)


class FrameClassifier(nn.Module):
    def __init__(self, n_feats=12, hidden=20, n_classes=5):
        super().__init__()
        self.encoder = ManualBiGRU(n_feats, hidden)
        self.classify = nn.Linear(2 * hidden, n_classes)

    def forward(self, frames):
        return self.classify(self.encoder(frames))


def build():
    torch.manual_seed(0)
    model = FrameClassifier()
    frames = torch.randn(6, 4, 12)
    return model, (frames,), (6, 4, 5)
