"""Deep LSTM encoder with residual connections between layers (GNMT-style stacking)."""
import torch
import torch.nn as nn


class ResidualLSTMEncoder(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=4, dropout=0.1):
        super().__init__()
        self.input_proj = nn.Linear(input_size, hidden_size)
        self.layers = nn.ModuleList()
        for _ in range(num_layers):
            self.layers.append(nn.LSTM(hidden_size, hidden_size, batch_first=True))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.input_proj(x)
        for i, lstm in enumerate(self.layers):
            out, _ = lstm(self.dropout(x))
            # residual connections start from the third layer, as in deep NMT encoders
            x = out + x if i >= 2 else out
        return x


class SequenceScorer(nn.Module):
    def __init__(self, input_size=10, hidden_size=32, num_layers=4):
        super().__init__()
        self.encoder = ResidualLSTMEncoder(input_size, hidden_size, num_layers)
        self.score = nn.Linear(hidden_size, 1)

    def forward(self, x):
        return self.score(self.encoder(x)).squeeze(-1)


def build():
    torch.manual_seed(0)
    model = SequenceScorer()
    x = torch.randn(3, 6, 10)
    return model, (x,), (3, 6)
