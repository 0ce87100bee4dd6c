"""Sentence classifier: a bidirectional LSTM, mean-pooled over time, then a
linear head. Takes batch-first input of shape (batch, seq, input_size).
"""

import torch
from torch import nn

SIZES = {"batch": 4, "seq": 7}


class SentenceClassifier(nn.Module):
    def __init__(self, input_size=10, hidden_size=16, n_classes=3):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.lstm = nn.LSTM(
            input_size, hidden_size, batch_first=True, bidirectional=True
        )
        self.fc = nn.Linear(2 * hidden_size, n_classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out.mean(dim=1))


def build():
    torch.manual_seed(0)
    model = SentenceClassifier()
    x = torch.randn(SIZES["batch"], SIZES["seq"], model.input_size)
    return model, (x,)
