"""A module-level factory builds and initialises the LSTM (fairseq style); the head is sized
for both directions because the factory forwards `bidirectional` to the layer."""
import torch
import torch.nn as nn


def LSTM(input_size, hidden_size, **kwargs):
    m = nn.LSTM(input_size, hidden_size, **kwargs)
    for name, param in m.named_parameters():
        if "weight" in name or "bias" in name:
            param.data.uniform_(-0.1, 0.1)
    return m


def Linear(in_features, out_features):
    m = nn.Linear(in_features, out_features)
    m.weight.data.uniform_(-0.1, 0.1)
    return m


class Encoder(nn.Module):
    def __init__(self, vocab, embed_dim=16, hidden_size=24, bidirectional=True):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed_dim)
        self.lstm = LSTM(embed_dim, hidden_size, num_layers=1, bidirectional=bidirectional)
        out_dim = hidden_size * 2 if bidirectional else hidden_size
        self.proj = Linear(out_dim, 5)

    def forward(self, tokens):
        x = self.embed(tokens).transpose(0, 1)
        out, _ = self.lstm(x)
        return self.proj(out[-1])


def build():
    torch.manual_seed(0)
    model = Encoder(30)
    return model, (torch.randint(0, 30, (3, 7)),), (3, 5)
