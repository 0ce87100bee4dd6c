import torch.nn as nn

from config import RecognizerConfig


class WordRecognizer(nn.Module):
    def __init__(self, cfg: RecognizerConfig = RecognizerConfig()):
        super().__init__()
        self.lstm = nn.LSTM(cfg.n_mels, cfg.hidden, num_layers=cfg.layers,  # expect: RNN009
                            dropout=cfg.dropout, batch_first=True)
        self.fc = nn.Linear(cfg.hidden, cfg.n_words)

    def forward(self, mels):
        _, (h_n, _) = self.lstm(mels)
        return self.fc(h_n[-1])
