"""Battery state-of-charge estimator written with classes imported directly from torch.nn."""
import torch
from torch.nn import LSTM, Dropout, Linear, Module


class SoCEstimator(Module):
    def __init__(self, n_signals=3, hidden=32, layers=2, bidirectional=False):
        super().__init__()
        self.lstm = LSTM(input_size=n_signals, hidden_size=hidden, num_layers=layers,
                         batch_first=True, dropout=0.2, bidirectional=bidirectional)
        self.drop = Dropout(0.2)
        self.out = Linear(hidden * (2 if bidirectional else 1), 1)

    def forward(self, signals):
        seq, _ = self.lstm(signals)
        # one estimate per time step, squashed into [0, 1]
        return torch.sigmoid(self.out(self.drop(seq))).squeeze(-1)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def build():
    torch.manual_seed(0)
    model = SoCEstimator(bidirectional=True)
    signals = torch.randn(4, 7, 3)
    return model, (signals,), (4, 7)
