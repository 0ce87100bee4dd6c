import torch
import torch.nn as nn


class CharLM(nn.Module):
    """Time-major character model; the recurrent class is named on the command line."""

    def __init__(self, cell, n_chars, embedding_size, state_size, depth, dropout=0.5):
        super().__init__()
        self.cell = cell
        self.depth = depth
        self.state_size = state_size
        self.chars = nn.Embedding(n_chars, embedding_size)
        recurrent_class = getattr(nn, cell)
        self.core = recurrent_class(embedding_size, state_size, depth,
                                    dropout=dropout if depth > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.readout = nn.Linear(state_size, n_chars)

    def zero_state(self, batch):
        shape = (self.depth, batch, self.state_size)
        if self.cell == "LSTM":
            return torch.zeros(shape), torch.zeros(shape)
        return torch.zeros(shape)

    def forward(self, chars, state):
        # chars: (seq, batch)
        hidden_seq, state = self.core(self.drop(self.chars(chars)), state)
        return self.readout(self.drop(hidden_seq)), state
