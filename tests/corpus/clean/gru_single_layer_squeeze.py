"""Weather nowcaster: single-layer GRU; its final state is squeezed to (batch, hidden)."""
import torch
import torch.nn as nn


def standardise(readings, eps=1e-5):
    """Per-sequence standardisation, as done in the data pipeline."""
    mean = readings.mean(dim=1, keepdim=True)
    std = readings.std(dim=1, keepdim=True)
    return (readings - mean) / (std + eps)


class Nowcaster(nn.Module):
    def __init__(self, n_stations, hidden_size=32):
        super().__init__()
        self.gru = nn.GRU(input_size=n_stations, hidden_size=hidden_size, batch_first=True)
        self.fc = nn.Sequential(nn.Linear(hidden_size, hidden_size // 2), nn.GELU(),
                                nn.Linear(hidden_size // 2, n_stations))

    def forward(self, readings):
        _, h_n = self.gru(standardise(readings))     # h_n: (1, batch, hidden_size)
        return self.fc(h_n.squeeze(0))


def build():
    torch.manual_seed(0)
    model = Nowcaster(n_stations=6)
    readings = torch.randn(5, 8, 6)
    return model, (readings,), (5, 6)
