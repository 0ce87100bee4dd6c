"""Multi-step forecaster: an LSTM encodes the history, an LSTMCell rolls the forecast forward."""
import torch
import torch.nn as nn


class EncoderDecoderForecaster(nn.Module):
    def __init__(self, n_series, hidden_size=32, horizon=4, enc_layers=2):
        super().__init__()
        self.horizon = horizon
        self.encoder = nn.LSTM(n_series, hidden_size, num_layers=enc_layers, batch_first=True)
        self.decoder_cell = nn.LSTMCell(n_series, hidden_size)
        self.readout = nn.Linear(hidden_size, n_series)

    def forward(self, history):
        # history: (batch, seq_len, n_series)
        _, (h_n, c_n) = self.encoder(history)
        h, c = h_n[-1], c_n[-1]          # top encoder layer seeds the decoder cell
        step_input = history[:, -1, :]
        forecasts = []
        for _ in range(self.horizon):
            h, c = self.decoder_cell(step_input, (h, c))
            step_input = self.readout(h)
            forecasts.append(step_input)
        return torch.stack(forecasts, dim=1)   # (batch, horizon, n_series)


def build():
    torch.manual_seed(0)
    model = EncoderDecoderForecaster(n_series=3)
    history = torch.randn(4, 9, 3)
    return model, (history,), (4, 4, 3)
