"""Load forecaster over windows shaped (seq_len, batch, features); reads the final output step."""
import torch
from torch import nn


class GRUForecaster(nn.Module):
    """Predicts the next `horizon` values of the load from a window of past features."""

    def __init__(self, num_features: int, hidden_size: int = 24, horizon: int = 3,
                 num_layers: int = 1):
        super().__init__()
        self.gru = nn.GRU(num_features, hidden_size, num_layers)
        self.head = nn.Linear(hidden_size, horizon)

    def forward(self, window: torch.Tensor) -> torch.Tensor:
        output, _ = self.gru(window)
        last = output[-1]          # (batch, hidden_size)
        return self.head(last)     # (batch, horizon)

    @torch.no_grad()
    def predict(self, window: torch.Tensor) -> torch.Tensor:
        self.eval()
        return self.forward(window)


def build():
    torch.manual_seed(0)
    model = GRUForecaster(num_features=4, num_layers=2)
    window = torch.randn(9, 4, 4)
    return model, (window,), (4, 3)
