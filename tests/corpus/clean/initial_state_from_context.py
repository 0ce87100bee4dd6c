"""Conditional generator: a user/context vector is projected into the LSTM's initial (h0, c0)."""
import torch
import torch.nn as nn


class ConditionalLSTMGenerator(nn.Module):
    def __init__(self, vocab_size, context_dim, embed_dim=16, hidden_dim=32, num_layers=2):
        super().__init__()
        self.num_layers = num_layers
        self.hidden_dim = hidden_dim
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.init_h = nn.Linear(context_dim, num_layers * hidden_dim)
        self.init_c = nn.Linear(context_dim, num_layers * hidden_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers, batch_first=True)
        self.logits = nn.Linear(hidden_dim, vocab_size)

    def initial_state(self, context):
        batch = context.size(0)
        # (batch, layers * hidden) -> (layers, batch, hidden)
        h0 = self.init_h(context).view(batch, self.num_layers, self.hidden_dim).transpose(0, 1)
        c0 = self.init_c(context).view(batch, self.num_layers, self.hidden_dim).transpose(0, 1)
        return torch.tanh(h0).contiguous(), c0.contiguous()

    def forward(self, tokens, context):
        out, _ = self.lstm(self.embed(tokens), self.initial_state(context))
        return self.logits(out)


def build():
    torch.manual_seed(0)
    model = ConditionalLSTMGenerator(vocab_size=45, context_dim=10)
    tokens = torch.randint(0, 45, (3, 8))
    context = torch.randn(3, 10)
    return model, (tokens, context), (3, 8, 45)
