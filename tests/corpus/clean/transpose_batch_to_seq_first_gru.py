"""Batch-first data through a sequence-first GRU: transpose in, transpose back out."""
import torch
import torch.nn as nn


class PhonemeRecognizer(nn.Module):
    def __init__(self, n_features=13, hidden_size=32, num_layers=2, n_phonemes=40,
                 bidirectional=True):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden_size, num_layers=num_layers,
                          bidirectional=bidirectional)
        self.num_directions = 2 if bidirectional else 1
        self.fc = nn.Linear(hidden_size * self.num_directions, n_phonemes)

    def forward(self, x):
        # x: (batch, frames, n_features); the GRU is sequence-first
        x = x.transpose(0, 1)
        out, _ = self.gru(x)
        out = out.transpose(0, 1)        # back to (batch, frames, features)
        return self.fc(out).log_softmax(dim=-1)


def build():
    torch.manual_seed(0)
    model = PhonemeRecognizer()
    x = torch.randn(4, 9, 13)
    return model, (x,), (4, 9, 40)
