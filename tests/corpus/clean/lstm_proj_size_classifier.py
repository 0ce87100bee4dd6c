"""Audio event classifier using an LSTM with projections (LSTMP) to keep the output narrow."""
import torch
import torch.nn as nn


class LSTMPClassifier(nn.Module):
    def __init__(self, n_features=24, hidden_size=64, proj_size=16, num_layers=2,
                 bidirectional=True, n_classes=10):
        super().__init__()
        self.lstm = nn.LSTM(
            input_size=n_features,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bidirectional,
            proj_size=proj_size,
        )
        num_directions = 2 if bidirectional else 1
        # with proj_size > 0 every output step is proj_size wide per direction
        self.classifier = nn.Linear(proj_size * num_directions, n_classes)

    def forward(self, features):
        output, (h_n, c_n) = self.lstm(features)
        return self.classifier(output.mean(dim=1))


def build():
    torch.manual_seed(0)
    model = LSTMPClassifier()
    features = torch.randn(3, 8, 24)
    return model, (features,), (3, 10)
