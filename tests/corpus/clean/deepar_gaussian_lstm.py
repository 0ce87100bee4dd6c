"""Probabilistic forecaster (DeepAR-like): an LSTM emits a Gaussian mean and scale per step."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GaussianLSTM(nn.Module):
    def __init__(self, num_covariates, num_series, embedding_dim=4, lstm_hidden_dim=24,
                 lstm_layers=3, lstm_dropout=0.1):
        super().__init__()
        self.embedding = nn.Embedding(num_series, embedding_dim)
        self.lstm = nn.LSTM(input_size=1 + num_covariates + embedding_dim,
                            hidden_size=lstm_hidden_dim,
                            num_layers=lstm_layers,
                            bias=True,
                            batch_first=False,
                            dropout=lstm_dropout)
        self.distribution_mu = nn.Linear(lstm_hidden_dim * lstm_layers, 1)
        self.distribution_presigma = nn.Linear(lstm_hidden_dim * lstm_layers, 1)

    def step(self, x, idx, hidden, cell):
        # x: (1, batch, 1 + num_covariates) - one time step
        onehot_embed = self.embedding(idx)                       # (1, batch, embedding_dim)
        lstm_input = torch.cat((x, onehot_embed), dim=2)
        output, (hidden, cell) = self.lstm(lstm_input, (hidden, cell))
        # use the hidden states of every layer: (layers, batch, H) -> (batch, layers * H)
        hidden_permute = hidden.permute(1, 2, 0).contiguous().view(hidden.shape[1], -1)
        mu = self.distribution_mu(hidden_permute)
        sigma = F.softplus(self.distribution_presigma(hidden_permute))
        return mu.squeeze(1), sigma.squeeze(1), hidden, cell

    def forward(self, series, series_idx):
        # series: (seq_len, batch, 1 + num_covariates); series_idx: (1, batch)
        batch = series.shape[1]
        hidden = series.new_zeros(self.lstm.num_layers, batch, self.lstm.hidden_size)
        cell = series.new_zeros(self.lstm.num_layers, batch, self.lstm.hidden_size)
        mus = []
        for t in range(series.shape[0]):
            mu, sigma, hidden, cell = self.step(series[t].unsqueeze(0), series_idx, hidden, cell)
            mus.append(mu)
        return torch.stack(mus, dim=0)                           # (seq_len, batch)


def build():
    torch.manual_seed(0)
    model = GaussianLSTM(num_covariates=3, num_series=10)
    series = torch.randn(7, 4, 4)
    series_idx = torch.randint(0, 10, (1, 4))
    return model, (series, series_idx), (7, 4)
