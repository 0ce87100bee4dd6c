"""Tagger that unrolls an LSTMCell by hand so the previous tag can be fed back at every step."""
import torch
import torch.nn as nn


class FeedbackTagger(nn.Module):
    def __init__(self, vocab_size, num_tags, word_dim=20, tag_dim=8, hidden_dim=32):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.num_tags = num_tags
        self.word_embed = nn.Embedding(vocab_size, word_dim)
        self.tag_embed = nn.Embedding(num_tags + 1, tag_dim)   # last index = <start>
        self.cell = nn.LSTMCell(word_dim + tag_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, num_tags)

    def forward(self, words):
        batch_size, seq_len = words.shape
        hx = torch.zeros(batch_size, self.hidden_dim)
        cx = torch.zeros(batch_size, self.hidden_dim)
        prev_tag = torch.full((batch_size,), self.num_tags, dtype=torch.long)
        embedded = self.word_embed(words)
        scores = []
        for t in range(seq_len):
            step = torch.cat([embedded[:, t], self.tag_embed(prev_tag)], dim=1)
            hx, cx = self.cell(step, (hx, cx))
            tag_scores = self.hidden2tag(hx)
            prev_tag = tag_scores.argmax(dim=1)
            scores.append(tag_scores)
        return torch.stack(scores, dim=1)


def build():
    torch.manual_seed(0)
    model = FeedbackTagger(vocab_size=30, num_tags=5)
    words = torch.randint(0, 30, (3, 7))
    return model, (words,), (3, 7, 5)
