import torch
import torch.nn as nn


class AttentionPool(nn.Module):
    """Weighted sum over time of a batch-first sequence (batch, seq, dim) -> (batch, dim)."""

    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, seq):
        weights = torch.softmax(self.score(seq).squeeze(-1), dim=1)
        return torch.bmm(weights.unsqueeze(1), seq).squeeze(1)
