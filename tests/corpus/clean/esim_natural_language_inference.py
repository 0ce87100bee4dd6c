"""ESIM for natural language inference: BiLSTM encoding, soft alignment, BiLSTM composition."""
import torch
import torch.nn as nn


class ESIM(nn.Module):
    def __init__(self, vocab_size, embed_dim=24, hidden_size=16, num_classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.input_encoding = nn.LSTM(embed_dim, hidden_size, batch_first=True,
                                      bidirectional=True)
        # [a; b; a - b; a * b] over 2*hidden_size features each
        self.projection = nn.Sequential(nn.Linear(4 * 2 * hidden_size, hidden_size), nn.ReLU())
        self.composition = nn.LSTM(hidden_size, hidden_size, batch_first=True,
                                   bidirectional=True)
        self.classification = nn.Sequential(
            nn.Linear(4 * 2 * hidden_size, hidden_size), nn.Tanh(),
            nn.Linear(hidden_size, num_classes))

    @staticmethod
    def _pool(x):
        return torch.cat([x.mean(dim=1), x.max(dim=1).values], dim=-1)

    def forward(self, premise, hypothesis):
        a, _ = self.input_encoding(self.embed(premise))
        b, _ = self.input_encoding(self.embed(hypothesis))
        similarity = torch.bmm(a, b.transpose(1, 2))                     # (B, La, Lb)
        a_tilde = torch.bmm(similarity.softmax(dim=2), b)
        b_tilde = torch.bmm(similarity.transpose(1, 2).softmax(dim=2), a)
        m_a = torch.cat([a, a_tilde, a - a_tilde, a * a_tilde], dim=-1)
        m_b = torch.cat([b, b_tilde, b - b_tilde, b * b_tilde], dim=-1)
        v_a, _ = self.composition(self.projection(m_a))
        v_b, _ = self.composition(self.projection(m_b))
        return self.classification(torch.cat([self._pool(v_a), self._pool(v_b)], dim=-1))


def build():
    torch.manual_seed(0)
    model = ESIM(vocab_size=70)
    premise = torch.randint(0, 70, (3, 8))
    hypothesis = torch.randint(0, 70, (3, 6))
    return model, (premise, hypothesis), (3, 3)
