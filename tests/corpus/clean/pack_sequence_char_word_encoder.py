"""Word representations from characters: a packed char LSTM over a list of variable-length words."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence


class CharWordEncoder(nn.Module):
    def __init__(self, n_chars, char_dim=12, hidden=16, word_dim=20):
        super().__init__()
        self.char_embed = nn.Embedding(n_chars, char_dim)
        self.char_lstm = nn.LSTM(char_dim, hidden, bidirectional=True)
        self.to_word = nn.Linear(hidden * 2, word_dim)

    def forward(self, words):
        # words: list of 1-D char-id tensors of different lengths
        embedded = [self.char_embed(w) for w in words]
        packed = pack_sequence(embedded, enforce_sorted=False)
        packed_out, (h_n, _) = self.char_lstm(packed)
        char_states, lengths = pad_packed_sequence(packed_out)   # (max_len, n_words, 2*hidden)
        word_vectors = self.to_word(torch.cat((h_n[-2], h_n[-1]), dim=1))
        return word_vectors, char_states, lengths


class Wrapper(nn.Module):
    """Accepts a padded (n_words, max_len) batch plus lengths, as a data loader yields it."""

    def __init__(self, **kwargs):
        super().__init__()
        self.encoder = CharWordEncoder(**kwargs)

    def forward(self, padded, lengths):
        words = [row[:length] for row, length in zip(padded, lengths.tolist())]
        return self.encoder(words)


def build():
    torch.manual_seed(0)
    model = Wrapper(n_chars=28)
    lengths = torch.tensor([3, 7, 5, 2])
    padded = torch.randint(1, 28, (4, 7))
    return model, (padded, lengths), (4, 20)
