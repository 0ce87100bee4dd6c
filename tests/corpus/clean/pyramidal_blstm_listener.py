"""Listener of a listen-attend-spell recogniser: pyramidal BiLSTMs halve the frame rate."""
import torch
import torch.nn as nn


class PyramidalBLSTM(nn.Module):
    """Concatenates neighbouring frames, then runs a BiLSTM over the shorter sequence."""

    def __init__(self, input_dim, hidden_dim):
        super().__init__()
        self.blstm = nn.LSTM(input_dim * 2, hidden_dim, batch_first=True, bidirectional=True)

    def forward(self, x):
        batch, time, feat = x.size()
        time = time - time % 2                      # drop an odd trailing frame
        x = x[:, :time, :].contiguous().view(batch, time // 2, feat * 2)
        out, _ = self.blstm(x)
        return out


class Listener(nn.Module):
    def __init__(self, n_mels=16, hidden_dim=16, n_pyramid=2):
        super().__init__()
        self.base = nn.LSTM(n_mels, hidden_dim, batch_first=True, bidirectional=True)
        self.pyramid = nn.ModuleList(
            [PyramidalBLSTM(hidden_dim * 2, hidden_dim) for _ in range(n_pyramid)])

    def forward(self, features):
        out, _ = self.base(features)
        for layer in self.pyramid:
            out = layer(out)
        return out


def build():
    torch.manual_seed(0)
    model = Listener()
    features = torch.randn(3, 9, 16)      # 9 frames -> 4 -> 2
    return model, (features,), (3, 2, 32)
