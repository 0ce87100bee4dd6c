"""Greedy decoder for one sentence at a time: each token is viewed as (1, 1, hidden)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DecoderRNN(nn.Module):
    def __init__(self, hidden_size=16, output_size=25):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def step(self, token, hidden):
        output = self.embedding(token).view(1, 1, -1)
        output = F.relu(output)
        output, hidden = self.gru(output, hidden)
        return F.log_softmax(self.out(output[0]), dim=1), hidden

    def init_hidden(self):
        return torch.zeros(1, 1, self.hidden_size)

    def forward(self, start_token, max_length: int = 6):
        hidden = self.init_hidden()
        token = start_token
        outputs = []
        for _ in range(max_length):
            logp, hidden = self.step(token, hidden)
            outputs.append(logp)
            token = logp.argmax(dim=1).detach()
        return torch.cat(outputs, dim=0)


def build():
    torch.manual_seed(0)
    return DecoderRNN(), (torch.tensor([0]),), (6, 25)
