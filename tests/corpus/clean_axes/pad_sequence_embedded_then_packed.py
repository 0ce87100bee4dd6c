"""Token ids padded with `pad_sequence`, embedded, then packed: the embedding keeps the two
axes the padding laid out, so each pack states the layout it is given, batch first as padded,
sequence first after a `permute` or a `transpose` that moves the batch, or the padding's own
default sequence first."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


class EmbeddedPacks(nn.Module):
    def __init__(self, vocab=20, dim=4, hidden=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.drop = nn.Dropout(0.1)
        self.batch_major = nn.GRU(dim, hidden, batch_first=True)
        self.time_major = nn.GRU(dim, hidden)

    def forward(self, sequences):
        lengths = torch.tensor([len(seq) for seq in sequences])
        rows = pad_sequence(sequences, batch_first=True)
        embedded = self.drop(self.embedding(rows))
        _, a = self.batch_major(pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False))
        moved = embedded.permute(1, 0, 2)
        _, b = self.time_major(pack_padded_sequence(moved, lengths, enforce_sorted=False))
        swapped = self.embedding(rows).transpose(0, 1)
        _, c = self.time_major(pack_padded_sequence(swapped, lengths, enforce_sorted=False))
        steps = pad_sequence(sequences)
        _, d = self.time_major(pack_padded_sequence(self.embedding(steps), lengths, enforce_sorted=False))
        return a[-1] + b[-1] + c[-1] + d[-1]


def build():
    torch.manual_seed(0)
    return EmbeddedPacks(), ([torch.randint(0, 20, (n,)) for n in (5, 3, 4)],), (3, 5)
