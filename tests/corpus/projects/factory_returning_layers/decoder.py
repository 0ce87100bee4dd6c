import torch.nn as nn

from modules.init import LSTM, Embedding, Linear


class LSTMDecoder(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_size=40, num_layers=2, pad=0):
        super().__init__()
        self.embed_tokens = Embedding(vocab_size, embed_dim, pad)
        self.lstm = LSTM(embed_dim, hidden_size, num_layers=num_layers)
        self.fc_out = Linear(hidden_size, vocab_size)

    def forward(self, prev_output_tokens, state):
        x = self.embed_tokens(prev_output_tokens).transpose(0, 1)
        x, _ = self.lstm(x, state)
        return self.fc_out(x.transpose(0, 1))
