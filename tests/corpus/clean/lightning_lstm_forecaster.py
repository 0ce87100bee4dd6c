"""Demand forecaster as a Lightning module; the hyper-parameters arrive as **kwargs."""
import torch
from torch import nn


class LightningModule(nn.Module):
    """Local stand-in for pytorch_lightning.LightningModule."""

    def training_step(self, batch, batch_idx):
        raise NotImplementedError

    def configure_optimizers(self):
        raise NotImplementedError


class DemandForecaster(LightningModule):
    def __init__(self, n_features, horizon, **lstm_kwargs):
        super().__init__()
        self.lstm = nn.LSTM(n_features, batch_first=True, **lstm_kwargs)
        self.horizon = horizon
        # h_n is proj_size wide when the kwargs ask for projections
        if self.lstm.proj_size > 0:
            state_size = self.lstm.proj_size
        else:
            state_size = self.lstm.hidden_size
        self.regressor = nn.Linear(state_size, horizon)
        self.loss_fn = nn.MSELoss()

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.regressor(h_n[-1])

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = self.loss_fn(self(x), y)
        return {"loss": loss}

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=3e-4)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10)
        return [optimizer], [scheduler]


def build():
    torch.manual_seed(0)
    model = DemandForecaster(n_features=7, horizon=4, hidden_size=24, num_layers=2, dropout=0.1)
    x = torch.randn(3, 8, 7)
    return model, (x,), (3, 4)
