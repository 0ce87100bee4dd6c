"""Document encoder that can run on an LSTM or a GRU, chosen when the model is built."""
import torch
import torch.nn as nn


class DocumentEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim=24, hidden_size=32, num_layers=2,
                 rnn_type='LSTM', bidirectional=True, n_labels=4):
        super().__init__()
        self.rnn_type = rnn_type
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.num_directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        if rnn_type == 'LSTM':
            self.rnn = nn.LSTM(emb_dim, hidden_size, num_layers=num_layers,
                               bidirectional=bidirectional)
        else:
            self.rnn = nn.GRU(emb_dim, hidden_size, num_layers=num_layers,
                              bidirectional=bidirectional)
        self.decoder = nn.Linear(hidden_size * self.num_directions, n_labels)

    def init_hidden(self, batch_size):
        h0 = torch.zeros(self.num_layers * self.num_directions, batch_size, self.hidden_size)
        if self.rnn_type == 'LSTM':
            return (h0, torch.zeros_like(h0))
        return h0

    def forward(self, tokens):
        # tokens: (seq_len, batch)
        hidden = self.init_hidden(tokens.size(1))
        output, hidden = self.rnn(self.embedding(tokens), hidden)
        h_n = hidden[0] if isinstance(hidden, tuple) else hidden
        if self.num_directions == 2:
            summary = torch.cat((h_n[-2], h_n[-1]), dim=1)
        else:
            summary = h_n[-1]
        return self.decoder(summary)


def build():
    torch.manual_seed(0)
    model = DocumentEncoder(vocab_size=64, rnn_type='GRU')
    tokens = torch.randint(0, 64, (8, 5))
    return model, (tokens,), (5, 4)
