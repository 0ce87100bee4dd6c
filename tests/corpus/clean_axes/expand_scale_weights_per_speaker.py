"""Per-step weights over scales, `(batch, length, scales)`, broadcast to every speaker with
`unsqueeze(3).expand(...)`, then flattened in the order they are laid out: `(batch * length,
scales, speakers)`, or speakers first after a `transpose` that moves them there."""
import torch
import torch.nn as nn


class ScaleWeights(nn.Module):
    def __init__(self, n_features=6, hidden=8, scales=3, speakers=2):
        super().__init__()
        self.scales, self.speakers = scales, speakers
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.to_weights = nn.Linear(hidden, scales)

    def forward(self, x):
        batch, length = x.size(0), x.size(1)
        out, _ = self.lstm(x)
        weights = torch.softmax(self.to_weights(out), dim=2)
        spread = weights.unsqueeze(3).expand(-1, -1, -1, self.speakers)
        in_order = spread.reshape(batch * length, self.scales, self.speakers)
        speakers_first = spread.transpose(2, 3).reshape(batch * length, self.speakers, self.scales)
        flat = spread.reshape(batch, length, self.scales * self.speakers)
        return in_order.sum(2) + speakers_first.sum(1) + flat.view(batch * length, -1)[:, :self.scales]


def build():
    torch.manual_seed(0)
    return ScaleWeights(), (torch.randn(2, 5, 6),), (10, 3)
