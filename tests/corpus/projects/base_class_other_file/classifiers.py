import torch.nn as nn

from encoders import RecurrentBase


class BiClassifier(RecurrentBase):
    def __init__(self, input_size, hidden_size, n_classes):
        super().__init__(input_size, hidden_size, num_layers=2)
        self.fc = nn.Linear(self.output_size, n_classes)

    def forward(self, x):
        return self.fc(self.encode(x))


class UniClassifier(RecurrentBase):
    def __init__(self, input_size, hidden_size, n_classes):
        super().__init__(input_size, hidden_size, bidirectional=False)
        # one direction: the base built the GRU with bidirectional=False
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        return self.fc(self.encode(x))
