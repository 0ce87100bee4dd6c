"""Polyphonic music model: predicts the next piano-roll frame from a sequence-first GRU."""
import torch
import torch.nn as nn

N_KEYS = 24  # two octaves around middle C


class PianoRollGRU(nn.Module):
    def __init__(self, hidden_size=32, num_layers=2, dropout=0.2):
        super().__init__()
        self.input_proj = nn.Linear(N_KEYS, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, num_layers=num_layers, dropout=dropout)
        self.key_logits = nn.Linear(hidden_size, N_KEYS)

    def forward(self, rolls, hidden=None):
        # rolls: (time, batch, N_KEYS) binary
        out, hidden = self.gru(torch.relu(self.input_proj(rolls)), hidden)
        return torch.sigmoid(self.key_logits(out)), hidden


def build():
    torch.manual_seed(0)
    model = PianoRollGRU()
    rolls = (torch.rand(8, 3, N_KEYS) > 0.9).float()
    return model, (rolls,), (8, 3, N_KEYS)
