"""Chunking tagger: BiLSTM with hidden_dim // 2 per direction and a random initial state."""
import torch
import torch.nn as nn


class ChunkTagger(nn.Module):
    def __init__(self, vocab_size, tag_to_ix, embedding_dim=20, hidden_dim=32):
        super(ChunkTagger, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.tagset_size = len(tag_to_ix)

        self.word_embeds = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2, num_layers=1, bidirectional=True)
        # both directions together give hidden_dim features per token
        self.hidden2tag = nn.Linear(hidden_dim, self.tagset_size)

    def init_hidden(self, batch_size):
        return (torch.randn(2, batch_size, self.hidden_dim // 2),
                torch.randn(2, batch_size, self.hidden_dim // 2))

    def forward(self, sentence):
        # sentence: (seq_len, batch)
        hidden = self.init_hidden(sentence.size(1))
        embeds = self.word_embeds(sentence)
        lstm_out, hidden = self.lstm(embeds, hidden)
        return self.hidden2tag(lstm_out)


def build():
    torch.manual_seed(0)
    tag_to_ix = {"B-NP": 0, "I-NP": 1, "B-VP": 2, "I-VP": 3, "O": 4}
    model = ChunkTagger(vocab_size=30, tag_to_ix=tag_to_ix)
    sentence = torch.randint(0, 30, (6, 4))
    return model, (sentence,), (6, 4, 5)
