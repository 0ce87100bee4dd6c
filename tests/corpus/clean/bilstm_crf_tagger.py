"""Named-entity tagger: BiLSTM emissions scored by a linear-chain CRF with Viterbi decoding."""
import torch
from torch import nn


class LinearChainCRF(nn.Module):
    """Transition scores between tags; decodes the best path for batch-first emissions."""

    def __init__(self, num_tags):
        super().__init__()
        self.num_tags = num_tags
        self.transitions = nn.Parameter(torch.randn(num_tags, num_tags) * 0.1)
        self.start_transitions = nn.Parameter(torch.zeros(num_tags))
        self.end_transitions = nn.Parameter(torch.zeros(num_tags))

    def viterbi_decode(self, emissions):
        # emissions: (batch, seq_len, num_tags)
        batch_size, seq_len, _ = emissions.shape
        score = self.start_transitions + emissions[:, 0]
        backpointers = []
        for t in range(1, seq_len):
            candidate = score.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1)
            score, best_prev = candidate.max(dim=1)
            backpointers.append(best_prev)
        score = score + self.end_transitions
        best_last = score.argmax(dim=1)
        path = [best_last]
        for best_prev in reversed(backpointers):
            best_last = best_prev.gather(1, best_last.unsqueeze(1)).squeeze(1)
            path.append(best_last)
        path.reverse()
        return torch.stack(path, dim=1)


class BiLSTM_CRF(nn.Module):
    def __init__(self, vocab_size, num_tags, emb_dim=24, hidden_dim=32, num_layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.bilstm = nn.LSTM(input_size=emb_dim, hidden_size=hidden_dim,
                              num_layers=num_layers, batch_first=True, bidirectional=True)
        self.emission = nn.Linear(hidden_dim * 2, num_tags)
        self.crf = LinearChainCRF(num_tags)

    def forward(self, tokens):
        x = self.embedding(tokens)
        out, _ = self.bilstm(x)
        emissions = self.emission(out)
        return emissions, self.crf.viterbi_decode(emissions)


def build():
    torch.manual_seed(0)
    model = BiLSTM_CRF(vocab_size=40, num_tags=9)
    tokens = torch.randint(1, 40, (3, 8))
    return model, (tokens,), (3, 8, 9)
