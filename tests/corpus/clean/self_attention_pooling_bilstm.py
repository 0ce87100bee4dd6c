"""Structured self-attentive sentence embedding: BiLSTM states weighted by r attention hops."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SelfAttentiveEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim=24, lstm_hidden=20, d_a=16, hops=3, n_classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.bilstm = nn.LSTM(emb_dim, lstm_hidden, batch_first=True, bidirectional=True)
        self.ws1 = nn.Linear(2 * lstm_hidden, d_a, bias=False)
        self.ws2 = nn.Linear(d_a, hops, bias=False)
        self.fc = nn.Linear(hops * 2 * lstm_hidden, n_classes)

    def forward(self, tokens):
        H, _ = self.bilstm(self.embedding(tokens))           # (B, T, 2u)
        A = F.softmax(self.ws2(torch.tanh(self.ws1(H))), dim=1)   # (B, T, hops)
        M = torch.bmm(A.transpose(1, 2), H)                  # (B, hops, 2u)
        return self.fc(M.flatten(start_dim=1))


def build():
    torch.manual_seed(0)
    model = SelfAttentiveEncoder(vocab_size=60)
    tokens = torch.randint(0, 60, (3, 9))
    return model, (tokens,), (3, 4)
