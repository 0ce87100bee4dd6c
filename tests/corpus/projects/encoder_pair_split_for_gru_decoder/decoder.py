import torch.nn as nn


class Decoder(nn.Module):
    """A GRU decoder: its initial state is one tensor, (layers, batch, hidden)."""

    def __init__(self, vocab, emb, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, hidden, num_layers=layers, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def start(self, pair):
        # the LSTM's pair: the GRU continues from the hidden states, not the cells
        h_n, _ = pair
        return h_n.contiguous()

    def forward(self, tgt, hidden):
        outputs, _ = self.rnn(self.embedding(tgt), hidden)
        return self.out(outputs)
