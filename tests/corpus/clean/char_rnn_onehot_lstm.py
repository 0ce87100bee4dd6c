"""Char-RNN over one-hot encoded characters, trained with truncated backprop through time."""
import torch
from torch import nn
import torch.nn.functional as F


class CharLSTM(nn.Module):
    def __init__(self, chars, n_hidden=32, n_layers=2, drop_prob=0.5):
        super().__init__()
        self.chars = chars
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.lstm = nn.LSTM(len(chars), n_hidden, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(drop_prob)
        self.fc = nn.Linear(n_hidden, len(chars))

    def forward(self, x, hidden):
        r_output, hidden = self.lstm(x, hidden)
        out = self.dropout(r_output)
        out = out.contiguous().view(-1, self.n_hidden)
        return self.fc(out), hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        return (weight.new(self.n_layers, batch_size, self.n_hidden).zero_(),
                weight.new(self.n_layers, batch_size, self.n_hidden).zero_())


def one_hot_encode(arr, n_labels):
    return F.one_hot(arr, n_labels).float()


def build():
    torch.manual_seed(0)
    chars = tuple("abcdefghijklmnopqrstuvwxyz .,")
    net = CharLSTM(chars)
    encoded = torch.randint(0, len(chars), (3, 8))
    x = one_hot_encode(encoded, len(chars))
    # logits come back flattened to (batch * seq_len, n_chars)
    return net, (x, net.init_hidden(3)), (3 * 8, len(chars))
