"""Hierarchical attention network: word-level BiGRU per sentence, sentence-level BiGRU per doc."""
import torch
import torch.nn as nn


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)
        self.context = nn.Linear(dim, 1, bias=False)

    def forward(self, states):
        weights = torch.softmax(self.context(torch.tanh(self.proj(states))), dim=1)
        return (weights * states).sum(dim=1)


class HAN(nn.Module):
    def __init__(self, vocab_size, n_classes, emb_dim=20, word_hidden=16, sent_hidden=16):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim)
        self.word_gru = nn.GRU(emb_dim, word_hidden, batch_first=True, bidirectional=True)
        self.word_attn = AttentionPool(2 * word_hidden)
        self.sent_gru = nn.GRU(2 * word_hidden, sent_hidden, batch_first=True,
                               bidirectional=True)
        self.sent_attn = AttentionPool(2 * sent_hidden)
        self.fc = nn.Linear(2 * sent_hidden, n_classes)

    def forward(self, docs):
        # docs: (batch, n_sents, n_words)
        batch, n_sents, n_words = docs.shape
        words = self.embedding(docs.view(batch * n_sents, n_words))
        word_states, _ = self.word_gru(words)
        sent_vectors = self.word_attn(word_states).view(batch, n_sents, -1)
        sent_states, _ = self.sent_gru(sent_vectors)
        return self.fc(self.sent_attn(sent_states))


def build():
    torch.manual_seed(0)
    model = HAN(vocab_size=50, n_classes=5)
    docs = torch.randint(0, 50, (3, 4, 6))
    return model, (docs,), (3, 5)
