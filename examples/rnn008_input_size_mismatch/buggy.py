"""Topic classifier: token ids, embedded, through an LSTM whose final
hidden state feeds a linear head. Takes token ids of shape (batch, seq).
"""

import torch
from torch import nn

SIZES = {"batch": 4, "seq": 7}


class TopicClassifier(nn.Module):
    def __init__(self, vocab_size=50, hidden_size=16, n_classes=3):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, 100)
        self.lstm = nn.LSTM(128, hidden_size, batch_first=True)  # expect: RNN008
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, tokens):
        embedded = self.embedding(tokens)
        _, (h_n, _) = self.lstm(embedded)
        return self.fc(h_n[-1])


def build():
    torch.manual_seed(0)
    model = TopicClassifier()
    tokens = torch.randint(0, model.vocab_size, (SIZES["batch"], SIZES["seq"]))
    return model, (tokens,)
