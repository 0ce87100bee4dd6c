"""Padded batch first, transposed to time-major, then packed without `batch_first`: the
transpose between the two calls makes them agree."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence


class TimeMajorClipEncoder(nn.Module):
    def __init__(self, n_features=5, hidden=8, n_classes=3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, clips):
        lengths = torch.tensor([clip.size(0) for clip in clips])
        padded = pad_sequence(clips, batch_first=True).transpose(0, 1)  # (max_len, batch, feat)
        packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out)
        return self.fc(out.sum(dim=0) / lengths.unsqueeze(1))


def build():
    torch.manual_seed(0)
    return TimeMajorClipEncoder(), ([torch.randn(n, 5) for n in (4, 7, 2)],), (3, 3)
