"""Sequence labeller combining word embeddings with a character CNN, then a BiLSTM."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class CharCNN(nn.Module):
    def __init__(self, n_chars, char_dim, n_filters, kernel_size=3):
        super().__init__()
        self.char_emb = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.conv = nn.Conv1d(char_dim, n_filters, kernel_size, padding=1)

    def forward(self, chars):
        # chars: (batch, seq_len, word_len)
        batch, seq_len, word_len = chars.size()
        x = self.char_emb(chars.view(batch * seq_len, word_len))  # (B*S, W, C)
        x = self.conv(x.transpose(1, 2))                           # (B*S, F, W)
        x = F.relu(x).max(dim=2).values
        return x.view(batch, seq_len, -1)


class CNNBiLSTMTagger(nn.Module):
    def __init__(self, n_words, n_chars, n_labels, word_dim=24, char_dim=8,
                 n_filters=16, hidden=32, lstm_layers=2):
        super().__init__()
        self.word_emb = nn.Embedding(n_words, word_dim)
        self.char_cnn = CharCNN(n_chars, char_dim, n_filters)
        self.encoder = nn.LSTM(word_dim + n_filters, hidden, num_layers=lstm_layers,
                               batch_first=True, bidirectional=True, dropout=0.5)
        self.dropout = nn.Dropout(0.5)
        self.classifier = nn.Linear(2 * hidden, n_labels)

    def forward(self, words, chars):
        features = torch.cat([self.word_emb(words), self.char_cnn(chars)], dim=-1)
        encoded, _ = self.encoder(self.dropout(features))
        return self.classifier(self.dropout(encoded))


def build():
    torch.manual_seed(0)
    model = CNNBiLSTMTagger(n_words=80, n_chars=30, n_labels=10)
    words = torch.randint(0, 80, (4, 6))
    chars = torch.randint(1, 30, (4, 6, 7))
    return model, (words, chars), (4, 6, 10)
