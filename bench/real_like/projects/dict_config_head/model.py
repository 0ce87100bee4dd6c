import torch.nn as nn

from config import CONFIG


class GestureClassifier(nn.Module):
    def __init__(self, cfg=CONFIG):
        super().__init__()
        self.lstm = nn.LSTM(cfg["n_features"], cfg["hidden"], cfg["layers"], batch_first=True,
                            bidirectional=cfg["bidirectional"])
        self.fc = nn.Linear(cfg["hidden"], cfg["n_classes"])  # expect: RNN001

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])
