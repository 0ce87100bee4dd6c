"""NER with a bidirectional GRU whose two directions share the hidden budget, plus a CRF layer."""
import torch
import torch.nn as nn


class CRF(nn.Module):
    def __init__(self, n_tags):
        super().__init__()
        self.trans = nn.Parameter(torch.zeros(n_tags, n_tags))

    def log_partition(self, emissions):
        # emissions: (seq_len, batch, n_tags) -> (batch,)
        alpha = emissions[0]
        for step in emissions[1:]:
            alpha = torch.logsumexp(alpha.unsqueeze(2) + self.trans + step.unsqueeze(1), dim=1)
        return torch.logsumexp(alpha, dim=1)

    def decode(self, emissions):
        best = emissions[0]
        history = []
        for step in emissions[1:]:
            best, idx = (best.unsqueeze(2) + self.trans).max(dim=1)
            best = best + step
            history.append(idx)
        tags = [best.argmax(-1)]
        for idx in reversed(history):
            tags.append(idx.gather(1, tags[-1].unsqueeze(1)).squeeze(1))
        return torch.stack(tags[::-1])


class GRUTagger(nn.Module):
    def __init__(self, n_words, n_tags, emb_size=20, hidden_size=32, n_layers=2, dropout=0.2):
        super().__init__()
        self.embed = nn.Embedding(n_words, emb_size)
        # each direction gets half of hidden_size so the concatenation is hidden_size wide
        self.gru = nn.GRU(emb_size, hidden_size // 2, num_layers=n_layers,
                          dropout=dropout if n_layers > 1 else 0.0, bidirectional=True)
        self.proj = nn.Linear(hidden_size, n_tags)
        self.crf = CRF(n_tags)

    def forward(self, words):
        # words: (seq_len, batch)
        feats, _ = self.gru(self.embed(words))
        emissions = self.proj(feats)
        return emissions, self.crf.decode(emissions), self.crf.log_partition(emissions)


def build():
    torch.manual_seed(0)
    model = GRUTagger(n_words=60, n_tags=7)
    words = torch.randint(0, 60, (9, 4))
    return model, (words,), (9, 4, 7)
