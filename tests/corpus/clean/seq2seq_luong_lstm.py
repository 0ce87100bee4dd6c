"""Encoder-decoder with Luong 'general' attention; batch-first LSTMs, decoder runs step by step."""
import torch
from torch import nn


class LuongAttention(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.W = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, query, keys):
        # query: (batch, 1, hidden), keys: (batch, src_len, hidden)
        scores = torch.bmm(query, self.W(keys).transpose(1, 2))
        weights = scores.softmax(dim=-1)
        return torch.bmm(weights, keys), weights


class AttnSeq2Seq(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, emb=16, hidden=32, layers=2):
        super().__init__()
        self.src_embed = nn.Embedding(src_vocab, emb)
        self.tgt_embed = nn.Embedding(tgt_vocab, emb)
        self.encoder = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True,
                               dropout=0.1 if layers > 1 else 0.0)
        self.decoder = nn.LSTM(emb + hidden, hidden, num_layers=layers, batch_first=True,
                               dropout=0.1 if layers > 1 else 0.0)
        self.attention = LuongAttention(hidden)
        self.concat = nn.Linear(hidden * 2, hidden)
        self.generator = nn.Linear(hidden, tgt_vocab)
        self.hidden = hidden

    def forward(self, src, tgt):
        memory, state = self.encoder(self.src_embed(src))
        batch_size, tgt_len = tgt.shape
        attentional = memory.new_zeros(batch_size, 1, self.hidden)  # input feeding
        logits = []
        for t in range(tgt_len):
            step_in = torch.cat([self.tgt_embed(tgt[:, t:t + 1]), attentional], dim=2)
            dec_out, state = self.decoder(step_in, state)
            context, _ = self.attention(dec_out, memory)
            attentional = torch.tanh(self.concat(torch.cat([dec_out, context], dim=2)))
            logits.append(self.generator(attentional))
        return torch.cat(logits, dim=1)


def build():
    torch.manual_seed(0)
    model = AttnSeq2Seq(src_vocab=30, tgt_vocab=35)
    src = torch.randint(0, 30, (4, 8))
    tgt = torch.randint(0, 35, (4, 6))
    return model, (src, tgt), (4, 6, 35)
