"""Intent classifier: packed multi-layer BiGRU; h_n is split into layers and directions."""
import torch
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils


class IntentClassifier(nn.Module):
    def __init__(self, vocab_size, n_intents, embedding_dim=20, hidden_size=24, num_layers=2,
                 bidirectional=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.gru = nn.GRU(embedding_dim, hidden_size, num_layers=num_layers, batch_first=True,
                          bidirectional=bidirectional,
                          dropout=0.2 if num_layers > 1 else 0.0)
        self.classifier = nn.Linear(hidden_size * self.num_directions, n_intents)

    def forward(self, utterances, lengths):
        packed = rnn_utils.pack_padded_sequence(self.embedding(utterances), lengths,
                                                batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        batch = utterances.size(0)
        h_n = h_n.view(self.num_layers, self.num_directions, batch, self.hidden_size)
        last_layer = h_n[-1]                          # (num_directions, batch, hidden)
        features = last_layer.transpose(0, 1).reshape(batch, -1)
        return self.classifier(features)


def build():
    torch.manual_seed(0)
    model = IntentClassifier(vocab_size=70, n_intents=6)
    lengths = torch.tensor([4, 7, 2, 5, 6])
    utterances = torch.randint(1, 70, (5, 7))
    return model, (utterances, lengths), (5, 6)
