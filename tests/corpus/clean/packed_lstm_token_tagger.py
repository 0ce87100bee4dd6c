"""Slot-filling tagger: packed batch-first BiLSTM re-padded to the full length for the loss."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD = 0


class SlotTagger(nn.Module):
    def __init__(self, n_tokens, n_slots, emb=24, hidden=32, bidirectional=True):
        super().__init__()
        self.embedding = nn.Embedding(n_tokens, emb, padding_idx=PAD)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=bidirectional)
        self.slot_out = nn.Linear(hidden * (2 if bidirectional else 1), n_slots)

    def forward(self, tokens, lengths):
        max_len = tokens.size(1)
        packed = pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        packed_out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=max_len)
        return self.slot_out(out)     # (batch, max_len, n_slots)


def build():
    torch.manual_seed(0)
    model = SlotTagger(n_tokens=90, n_slots=11)
    lengths = torch.tensor([3, 6, 5, 2])
    tokens = torch.randint(1, 90, (4, 6))
    return model, (tokens, lengths), (4, 6, 11)
