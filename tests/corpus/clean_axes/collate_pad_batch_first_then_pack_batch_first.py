"""A `DataLoader` whose `collate_fn` pads batch first (`pad_sequence(batch_first=True)`), a
model that packs batch first, and a second model that takes the padding sequence first after
a `transpose`: each pack agrees with what it is given. The script part feeds both."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    sequences = [torch.as_tensor(seq) for seq, _ in batch]
    lengths = torch.tensor([len(seq) for seq in sequences])
    labels = torch.tensor([label for _, label in batch])
    return pad_sequence(sequences, batch_first=True), lengths, labels


class Tagger(nn.Module):
    def __init__(self, n_features=3, hidden=5, n_classes=2):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.time_major = nn.GRU(n_features, hidden)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, padded, lengths):
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        steps = padded.transpose(0, 1)
        _, h_n = self.time_major(pack_padded_sequence(steps, lengths, enforce_sorted=False))
        return self.fc(torch.cat([out.sum(1), h_n[-1]], dim=1))


def build():
    torch.manual_seed(0)
    data = [(torch.randn(n, 3), n % 2) for n in (4, 6, 5)]
    padded, lengths, _ = next(iter(DataLoader(data, batch_size=3, collate_fn=collate)))
    return Tagger(), (padded, lengths), (3, 2)
