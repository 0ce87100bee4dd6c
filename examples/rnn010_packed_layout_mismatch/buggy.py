"""Clip classifier: padded batch-first clips (batch, seq, input_size) with
their lengths. A causal frame encoder runs over the padded clips; its
batch-first output is packed so the LSTM skips the padding.
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

SIZES = {"batch": 4, "seq": 7}


class ClipClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, n_classes=3):
        super().__init__()
        self.input_size = input_size
        # one direction: a frame's encoding never sees the padding after it
        self.frames = nn.GRU(input_size, hidden_size, batch_first=True)
        self.lstm = nn.LSTM(hidden_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x, lengths):
        frames, _ = self.frames(x)
        packed = pack_padded_sequence(frames, lengths)  # expect: RNN010
        _, (h_n, _) = self.lstm(packed)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    model = ClipClassifier()
    # one length per clip, longest first as packing expects by default
    lengths = torch.tensor([7, 6, 4, 2])
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    for clip, length in enumerate(lengths):
        x[clip, length:] = 0.0
    return model, (x, lengths)
