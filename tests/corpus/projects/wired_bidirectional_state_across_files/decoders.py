import torch
import torch.nn as nn


class DecoderState:
    def __init__(self, hidden):
        self.hidden = hidden


class RNNDecoder(nn.Module):
    """An LSTM decoder of the model's size, started from the encoder's state with its two
    directions side by side."""

    def __init__(self, vocab, emb_size, rnn_size, num_layers, bidirectional_encoder):
        super().__init__()
        self.bidirectional_encoder = bidirectional_encoder
        self.embedding = nn.Embedding(vocab, emb_size)
        self.rnn = nn.LSTM(emb_size, rnn_size, num_layers=num_layers)
        self.out = nn.Linear(rnn_size, vocab)

    def _fix(self, h):
        # (layers * directions, batch, dim) -> (layers, batch, directions * dim)
        if self.bidirectional_encoder:
            h = torch.cat([h[0:h.size(0):2], h[1:h.size(0):2]], 2)
        return h

    def init_state(self, encoder_state):
        return DecoderState(tuple(self._fix(part) for part in encoder_state))

    def forward(self, tgt, state):
        outputs, _ = self.rnn(self.embedding(tgt), state.hidden)
        return self.out(outputs)
