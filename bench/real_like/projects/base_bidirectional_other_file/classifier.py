import torch.nn as nn

from base import BaseEncoder


class IntentClassifier(BaseEncoder):
    def __init__(self, input_size, hidden_size, n_intents):
        super().__init__(input_size, hidden_size)
        # the base GRU is bidirectional by default: its output is 2 * hidden_size wide
        self.fc = nn.Linear(hidden_size, n_intents)  # expect: RNN001

    def forward(self, x):
        return self.fc(self.encode(x))
