"""A sequence-first encoder; subclasses may change the layout with a class attribute or a
constructor argument, and then read the output their way."""
import torch.nn as nn


class SequenceEncoder(nn.Module):
    batch_first = False

    def __init__(self, input_size, hidden_size, batch_first=None):
        super().__init__()
        if batch_first is not None:
            self.batch_first = batch_first
        self.hidden_size = hidden_size
        self.rnn = nn.LSTM(input_size, hidden_size, batch_first=self.batch_first)

    def summarise(self, out):
        # sequence first: (seq, batch, hidden) -> last step (batch, hidden)
        return out[-1]

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.summarise(out)
