"""Selections whose result has a shape the code knows but the analysis cannot: a boolean mask
(`out[mask]`: one row per real step, whatever the batch), `masked_select` (a flat vector),
an index tensor of unknown dtype (`h_n[which]`, a mask or positions), and a second index
beside `torch.arange` that is a mask over a different axis. Each result is reshaped as the
code knows it to be; none of them keeps the batch axis it came from."""
import torch
import torch.nn as nn


class MaskedTagger(nn.Module):
    def __init__(self, n_features=4, hidden=5, n_tags=3):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_tags)

    def forward(self, x, mask, which):
        out, (h_n, _) = self.lstm(x)
        real = out[mask]  # (real steps, 2 * hidden)
        tags = self.fc(real.view(-1, 2 * self.hidden))
        flat = torch.masked_select(out, mask.unsqueeze(-1)).view(-1, 2, self.hidden)
        picked = h_n[which]  # the rows `which` holds: (len(which), batch, hidden)
        rows = picked.view(picked.size(0), -1, self.hidden).sum(0)
        columns = out[:, mask[0]]  # the steps sample 0 has, for every sample
        steps = self.fc(columns.reshape(columns.size(0) * columns.size(1), 2 * self.hidden))
        return tags.sum() + flat.sum() + rows.sum() + steps.sum()


def build():
    torch.manual_seed(0)
    mask = torch.tensor([[True, True, False], [True, False, False]])
    return MaskedTagger(), (torch.randn(2, 3, 4), mask, torch.tensor([1, 0])), ()
