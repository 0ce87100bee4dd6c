"""Language model built from a list of single-layer LSTMs whose sizes change per layer."""
import torch
import torch.nn as nn


class LockedDropout(nn.Module):
    """Same dropout mask for every time step of a (seq, batch, feature) tensor."""

    def forward(self, x, p=0.3):
        if not self.training or p == 0:
            return x
        mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p) / (1 - p)
        return x * mask


class StackedLSTMLM(nn.Module):
    def __init__(self, ntoken, ninp=24, nhid=40, nlayers=3, tie_weights=True):
        super().__init__()
        self.encoder = nn.Embedding(ntoken, ninp)
        self.lockdrop = LockedDropout()
        # the last layer returns ninp features so the decoder can share the embedding matrix
        self.rnns = nn.ModuleList([
            nn.LSTM(ninp if layer == 0 else nhid,
                    nhid if layer != nlayers - 1 else (ninp if tie_weights else nhid), 1)
            for layer in range(nlayers)
        ])
        self.decoder = nn.Linear(ninp if tie_weights else nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight

    def forward(self, input):
        raw_output = self.lockdrop(self.encoder(input))
        new_hidden = []
        for layer, rnn in enumerate(self.rnns):
            raw_output, hidden = rnn(raw_output)
            new_hidden.append(hidden)
            if layer != len(self.rnns) - 1:
                raw_output = self.lockdrop(raw_output)
        return self.decoder(raw_output), new_hidden


def build():
    torch.manual_seed(0)
    model = StackedLSTMLM(ntoken=55)
    data = torch.randint(0, 55, (7, 3))
    return model, (data,), (7, 3, 55)
