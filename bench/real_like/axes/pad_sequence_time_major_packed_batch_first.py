"""`pad_sequence` without `batch_first` pads to (max_len, batch, features), and the padded
tensor is then packed as if it were batch first."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

ISSUE = 13
CAPABILITY = "layout evidence"
EFFECT = "raises"
ERROR = "exceeds dimension size"  # what torch says


class ClipClassifier(nn.Module):
    def __init__(self, n_features=3, hidden=6, n_classes=2):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, clips):
        lengths = torch.tensor([len(clip) for clip in clips])
        padded = pad_sequence(clips)
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)  # expect: RNN010
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    return ClipClassifier(), ([torch.randn(n, 3) for n in (6, 4, 2)],)
