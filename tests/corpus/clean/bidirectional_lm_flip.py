"""ELMo-style bidirectional LM: separate forward and backward LSTMs.

The backward LSTM reads the flipped sequence; its output is flipped back before concatenation.
"""
import torch
import torch.nn as nn


class BiLM(nn.Module):
    def __init__(self, vocab_size, embed_dim=24, hidden_dim=32, num_layers=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.forward_lstm = nn.LSTM(embed_dim, hidden_dim, num_layers, batch_first=True,
                                    dropout=0.1)
        self.backward_lstm = nn.LSTM(embed_dim, hidden_dim, num_layers, batch_first=True,
                                     dropout=0.1)
        self.forward_softmax = nn.Linear(hidden_dim, vocab_size)
        self.backward_softmax = nn.Linear(hidden_dim, vocab_size)

    def forward(self, tokens):
        emb = self.embedding(tokens)                         # (batch, seq, embed)
        fwd, _ = self.forward_lstm(emb)
        bwd, _ = self.backward_lstm(torch.flip(emb, dims=[1]))
        bwd = torch.flip(bwd, dims=[1])                      # realign with the input order
        contextual = torch.cat([fwd, bwd], dim=-1)           # (batch, seq, 2 * hidden)
        return contextual, self.forward_softmax(fwd), self.backward_softmax(bwd)


def build():
    torch.manual_seed(0)
    model = BiLM(vocab_size=50)
    tokens = torch.randint(0, 50, (4, 7))
    return model, (tokens,), (4, 7, 64)
