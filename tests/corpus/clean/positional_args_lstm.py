"""Gesture recogniser whose LSTM is configured entirely with positional arguments."""
import torch
import torch.nn as nn


class GestureLSTM(nn.Module):
    def __init__(self, n_joints=21, coords=3, hidden=32, layers=2, n_gestures=9):
        super().__init__()
        in_features = n_joints * coords
        # input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        self.lstm = nn.LSTM(in_features, hidden, layers, True, True, 0.1, True)
        self.classifier = nn.Linear(hidden * 2, n_gestures)

    def forward(self, poses):
        # poses: (batch, frames, n_joints, coords)
        batch, frames = poses.shape[:2]
        x = poses.reshape(batch, frames, -1)
        out, (h_n, c_n) = self.lstm(x)
        last = torch.cat((h_n[-2], h_n[-1]), dim=1)
        return self.classifier(last)


def build():
    torch.manual_seed(0)
    model = GestureLSTM(n_joints=5)
    poses = torch.randn(4, 7, 5, 3)
    return model, (poses,), (4, 9)
