"""Summariser decoder built from an LSTMCell with dot-product attention over BiLSTM memory."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Summariser(nn.Module):
    def __init__(self, vocab_size, embed_size=16, hidden_size=24):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.encoder = nn.LSTM(embed_size, hidden_size, batch_first=True, bidirectional=True)
        # the decoder state has to match the concatenated encoder directions
        self.reduce_h = nn.Linear(2 * hidden_size, hidden_size)
        self.reduce_c = nn.Linear(2 * hidden_size, hidden_size)
        self.memory_proj = nn.Linear(2 * hidden_size, hidden_size)
        self.cell = nn.LSTMCell(embed_size + hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size * 2, vocab_size)

    def forward(self, article, summary):
        memory, (h_n, c_n) = self.encoder(self.embed(article))
        keys = self.memory_proj(memory)                                  # (B, S, H)
        h = torch.relu(self.reduce_h(torch.cat((h_n[-2], h_n[-1]), dim=1)))
        c = torch.relu(self.reduce_c(torch.cat((c_n[-2], c_n[-1]), dim=1)))
        context = torch.zeros_like(h)
        steps = []
        for t in range(summary.size(1)):
            x = torch.cat([self.embed(summary[:, t]), context], dim=-1)
            h, c = self.cell(x, (h, c))
            attn = F.softmax(torch.bmm(keys, h.unsqueeze(2)).squeeze(2), dim=1)
            context = torch.bmm(attn.unsqueeze(1), keys).squeeze(1)
            steps.append(self.out(torch.cat([h, context], dim=-1)))
        return torch.stack(steps, dim=1)


def build():
    torch.manual_seed(0)
    model = Summariser(vocab_size=50)
    article = torch.randint(0, 50, (3, 9))
    summary = torch.randint(0, 50, (3, 5))
    return model, (article, summary), (3, 5, 50)
