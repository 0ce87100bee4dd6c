"""Review classifier: sequence-first packed GRU, mean over the real (unpadded) time steps."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class MeanPoolGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim=16, hid_dim=32, num_classes=3, bidirectional=False):
        super().__init__()
        num_directions = 2 if bidirectional else 1
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hid_dim, bidirectional=bidirectional)
        self.out = nn.Linear(hid_dim * num_directions, num_classes)

    def forward(self, tokens, lengths):
        # tokens: (seq_len, batch), sorted by decreasing length
        packed = pack_padded_sequence(self.emb(tokens), lengths)
        packed_out, _ = self.gru(packed)
        outputs, out_lengths = pad_packed_sequence(packed_out)   # (seq_len, batch, feats)
        summed = outputs.sum(dim=0)
        mean = summed / out_lengths.unsqueeze(1).to(summed.dtype)
        return self.out(mean)


def build():
    torch.manual_seed(0)
    model = MeanPoolGRU(vocab_size=45, bidirectional=True)
    lengths = torch.tensor([7, 6, 4])
    tokens = torch.randint(1, 45, (7, 3))
    return model, (tokens, lengths), (3, 3)
