import torch.nn as nn

from modules.init import embedding_layer, linear_layer, lstm_layer


class LSTMDecoder(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=40, num_layers=2, pad=0):
        super().__init__()
        self.tokens = embedding_layer(vocab_size, embed_dim, pad)
        self.lstm = lstm_layer(embed_dim, hidden_size, num_layers=num_layers)
        self.project = linear_layer(hidden_size, vocab_size)

    def forward(self, prev_tokens, state):
        x = self.tokens(prev_tokens).transpose(0, 1)
        x, _ = self.lstm(x, state)
        return self.project(x.transpose(0, 1))
