import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden_size, n_layers, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.rnn = nn.LSTM(emb_dim, hidden_size, n_layers, dropout=dropout)  # expect: RNN009
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens):
        output, _ = self.rnn(self.embedding(tokens))
        return self.out(output)
