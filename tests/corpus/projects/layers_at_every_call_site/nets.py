"""Encoder and decoder of a GRU translation model. The signature defaults are one layer and
dropout 0.5, but every construction in this project passes two layers."""
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_size, n_layers=1, dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.GRU(emb_dim, hidden_size, n_layers, dropout=dropout)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src):
        # src: (src_len, batch)
        _, hidden = self.rnn(self.dropout(self.embedding(src)))
        return hidden


class Decoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_size, n_layers=1, dropout=0.5):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.GRU(emb_dim, hidden_size, num_layers=n_layers, dropout=dropout)
        self.out = nn.Linear(hidden_size, vocab_size)

    def step(self, token, hidden):
        # token: (batch,) -> one time step (1, batch, emb_dim)
        output, hidden = self.rnn(self.embedding(token).unsqueeze(0), hidden)
        return self.out(output.squeeze(0)), hidden


class Translator(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, tgt):
        hidden = self.encoder(src)
        steps = []
        for t in range(tgt.size(0)):
            logits, hidden = self.decoder.step(tgt[t], hidden)
            steps.append(logits)
        return torch.stack(steps)
