"""Part-of-speech tagger: word embeddings into a bidirectional LSTM, one tag per token."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class BiLSTMTagger(nn.Module):
    def __init__(self, vocab_size, tagset_size, embedding_dim=32, hidden_dim=48,
                 bidirectional=True):
        super(BiLSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        # sentences arrive as (seq_len, batch) index tensors
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, bidirectional=bidirectional)
        out_features = 2 * hidden_dim if bidirectional else hidden_dim
        self.hidden2tag = nn.Linear(out_features, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds)
        tag_space = self.hidden2tag(lstm_out)
        return F.log_softmax(tag_space, dim=-1)


def build():
    torch.manual_seed(0)
    model = BiLSTMTagger(vocab_size=50, tagset_size=12, bidirectional=True)
    sentence = torch.randint(0, 50, (7, 4))
    return model, (sentence,), (7, 4, 12)
