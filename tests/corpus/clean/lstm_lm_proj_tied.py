"""LSTM language model whose projection size equals the embedding size, so the softmax is tied."""
import torch
import torch.nn as nn

EMBED_DIM = 16
HIDDEN_DIM = 48
NUM_LAYERS = 2


class ProjectedLSTMLM(nn.Module):
    def __init__(self, vocab_size, embed_dim=EMBED_DIM, hidden_dim=HIDDEN_DIM,
                 num_layers=NUM_LAYERS):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        # proj_size shrinks h_t back to embed_dim: output features == embed_dim
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=num_layers, proj_size=embed_dim)
        self.softmax_layer = nn.Linear(embed_dim, vocab_size, bias=False)
        self.softmax_layer.weight = self.embedding.weight
        self.num_layers = num_layers
        self.hidden_dim = hidden_dim
        self.proj_dim = embed_dim

    def init_state(self, batch_size):
        h0 = torch.zeros(self.num_layers, batch_size, self.proj_dim)
        c0 = torch.zeros(self.num_layers, batch_size, self.hidden_dim)
        return h0, c0

    def forward(self, tokens, state=None):
        if state is None:
            state = self.init_state(tokens.size(1))
        output, state = self.lstm(self.embedding(tokens), state)
        return self.softmax_layer(output), state


def build():
    torch.manual_seed(0)
    model = ProjectedLSTMLM(vocab_size=70)
    tokens = torch.randint(0, 70, (6, 4))
    return model, (tokens,), (6, 4, 70)
