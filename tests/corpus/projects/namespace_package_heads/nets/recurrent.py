"""`nets` has no __init__.py: a namespace package."""
import torch.nn as nn

from nets.heads import AttentionPool


class AttentiveBiGRU(nn.Module):
    def __init__(self, input_size=8, hidden_size=14, n_classes=4):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=True)
        self.output_dim = 2 * hidden_size
        self.pool = AttentionPool(self.output_dim)
        self.fc = nn.Linear(self.output_dim, n_classes)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(self.pool(out))
