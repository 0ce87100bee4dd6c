"""Trajectory encoder that builds its initial GRU state with x.new_zeros (dtype/device follow x)."""
import torch
import torch.nn as nn


class TrajectoryEncoder(nn.Module):
    def __init__(self, point_dim=2, embed_dim=16, hidden_dim=32, num_layers=2,
                 bidirectional=False):
        super().__init__()
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.hidden_dim = hidden_dim
        self.spatial_embedding = nn.Linear(point_dim, embed_dim)
        self.encoder = nn.GRU(embed_dim, hidden_dim, num_layers, bidirectional=bidirectional)
        self.to_displacement = nn.Linear(hidden_dim * self.num_directions, point_dim)

    def forward(self, trajectory):
        # trajectory: (obs_len, batch, point_dim)
        batch = trajectory.size(1)
        h0 = trajectory.new_zeros(self.num_layers * self.num_directions, batch, self.hidden_dim)
        out, h_n = self.encoder(self.spatial_embedding(trajectory), h0)
        return self.to_displacement(out)       # per-step displacement (obs_len, batch, 2)


def build():
    torch.manual_seed(0)
    model = TrajectoryEncoder(bidirectional=True)
    trajectory = torch.randn(8, 3, 2)
    return model, (trajectory,), (8, 3, 2)
