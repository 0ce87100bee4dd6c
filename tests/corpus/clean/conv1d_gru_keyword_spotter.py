"""Keyword spotter: Conv1d front end over MFCC frames, batch-first GRU, max-pool over time."""
import torch
import torch.nn as nn


class KeywordSpotter(nn.Module):
    def __init__(self, n_mfcc=13, conv_channels=24, rnn_hidden=32, n_keywords=8,
                 bidirectional=True):
        super().__init__()
        self.frontend = nn.Sequential(
            nn.Conv1d(n_mfcc, conv_channels, kernel_size=3, padding=1),
            nn.BatchNorm1d(conv_channels),
            nn.ReLU(),
        )
        self.gru = nn.GRU(conv_channels, rnn_hidden, batch_first=True,
                          bidirectional=bidirectional)
        directions = 2 if bidirectional else 1
        self.classifier = nn.Linear(rnn_hidden * directions, n_keywords)

    def forward(self, mfcc):
        # mfcc: (batch, n_mfcc, frames)
        feats = self.frontend(mfcc)
        feats = feats.transpose(1, 2)            # (batch, frames, conv_channels)
        out, _ = self.gru(feats)
        pooled, _ = torch.max(out, dim=1)        # max over frames
        return self.classifier(pooled)


def build():
    torch.manual_seed(0)
    model = KeywordSpotter()
    mfcc = torch.randn(4, 13, 9)
    return model, (mfcc,), (4, 8)
