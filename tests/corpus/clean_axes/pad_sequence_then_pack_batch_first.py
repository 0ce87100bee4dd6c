"""Variable-length clips padded with `pad_sequence(batch_first=True)` and packed with
`batch_first=True`: both calls agree on the layout."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence


class ClipEncoder(nn.Module):
    def __init__(self, n_features=6, hidden=10, n_classes=4):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, clips):
        lengths = torch.tensor([clip.size(0) for clip in clips])
        padded = pad_sequence(clips, batch_first=True)  # (batch, max_len, n_features)
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True)
        last = out[torch.arange(out.size(0)), out_lengths - 1]
        return self.fc(last)


def build():
    torch.manual_seed(0)
    clips = [torch.randn(length, 6) for length in (5, 9, 3)]
    return ClipEncoder(), (clips,), (3, 4)
