"""Text classifier over padded batches: packed BiLSTM, final states of both directions."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class PackedBiLSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, n_classes, n_layers=2,
                 bidirectional=True, dropout=0.3, pad_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.rnn = nn.LSTM(embed_dim, hidden_dim, num_layers=n_layers,
                           bidirectional=bidirectional, dropout=dropout, batch_first=True)
        self.bidirectional = bidirectional
        self.fc = nn.Linear(hidden_dim * 2 if bidirectional else hidden_dim, n_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        packed = pack_padded_sequence(embedded, text_lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        _, (hidden, cell) = self.rnn(packed)
        if self.bidirectional:
            hidden = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
        else:
            hidden = hidden[-1, :, :]
        return self.fc(self.dropout(hidden))


def build():
    torch.manual_seed(0)
    model = PackedBiLSTMClassifier(vocab_size=100, embed_dim=20, hidden_dim=24, n_classes=5)
    lengths = torch.tensor([6, 3, 8, 5])
    text = torch.randint(1, 100, (4, 8))
    text = text.masked_fill(torch.arange(8).unsqueeze(0) >= lengths.unsqueeze(1), 0)
    return model, (text, lengths), (4, 5)
