import torch.nn as nn


class MotionClassifier(nn.Module):
    def __init__(self, n_features, hidden, n_classes, batch_first=True):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=batch_first)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])  # expect: RNN004
