"""Recurrent VAE for short sequences: GRU encoder to (mu, logvar), GRU decoder from z."""
import torch
from torch import nn


class SequenceVAE(nn.Module):
    def __init__(self, n_features, hidden_size=32, latent_size=8, seq_len=6, num_layers=2):
        super().__init__()
        self.seq_len = seq_len
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.encoder = nn.GRU(n_features, hidden_size, num_layers=num_layers, batch_first=True)
        self.to_mu = nn.Linear(hidden_size, latent_size)
        self.to_logvar = nn.Linear(hidden_size, latent_size)
        self.latent_to_hidden = nn.Linear(latent_size, hidden_size * num_layers)
        self.decoder = nn.GRU(n_features, hidden_size, num_layers=num_layers, batch_first=True)
        self.reconstruct = nn.Linear(hidden_size, n_features)

    def forward(self, x):
        _, h_n = self.encoder(x)
        mu, logvar = self.to_mu(h_n[-1]), self.to_logvar(h_n[-1])
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        # (batch, layers * hidden) -> (layers, batch, hidden)
        h0 = self.latent_to_hidden(z).view(-1, self.num_layers, self.hidden_size)
        h0 = h0.permute(1, 0, 2).contiguous()
        decoder_input = torch.zeros(x.size(0), self.seq_len, x.size(2), device=x.device)
        out, _ = self.decoder(decoder_input, h0)
        return self.reconstruct(out), mu, logvar


def build():
    torch.manual_seed(0)
    model = SequenceVAE(n_features=4, seq_len=8)
    x = torch.randn(5, 8, 4)
    return model, (x,), (5, 8, 4)
