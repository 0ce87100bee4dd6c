"""Human activity recognition from accelerometer windows: Conv1d features, then an LSTM."""
import torch
import torch.nn as nn


class CNNLSTM(nn.Module):
    def __init__(self, n_channels=3, n_classes=6, n_filters=16, lstm_hidden=32, lstm_layers=2):
        super(CNNLSTM, self).__init__()
        self.conv1 = nn.Conv1d(n_channels, n_filters, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(n_filters, n_filters, kernel_size=5, padding=2)
        self.act = nn.ReLU()
        self.lstm = nn.LSTM(n_filters, lstm_hidden, num_layers=lstm_layers, dropout=0.25)
        self.dropout = nn.Dropout(0.25)
        self.out = nn.Linear(lstm_hidden, n_classes)

    def forward(self, x):
        # x: (batch, n_channels, time)
        x = self.act(self.conv2(self.act(self.conv1(x))))
        x = x.permute(2, 0, 1)          # (time, batch, n_filters) for a sequence-first LSTM
        x, (h, c) = self.lstm(x)
        x = self.dropout(x[-1])         # last time step
        return self.out(x)


def build():
    torch.manual_seed(0)
    model = CNNLSTM()
    signals = torch.randn(5, 3, 8)
    return model, (signals,), (5, 6)
