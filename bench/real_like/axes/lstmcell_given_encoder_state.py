"""An LSTMCell decoder started from the encoder's whole `(h_n, c_n)`, each (num_layers,
batch, hidden), where the cell wants the last layer's (batch, hidden)."""
import torch
import torch.nn as nn

ISSUE = 13
CAPABILITY = "recurrent cells"
EFFECT = "raises"
ERROR = r"Expected hx\[0\] to be 1D or 2D"  # what torch says


class Seq2SeqCell(nn.Module):
    def __init__(self, n_features=4, hidden=9):
        super().__init__()
        self.encoder = nn.LSTM(n_features, hidden, batch_first=True)
        self.cell = nn.LSTMCell(n_features, hidden)
        self.out = nn.Linear(hidden, n_features)

    def forward(self, src, tgt):
        _, (h_n, c_n) = self.encoder(src)
        state = (h_n, c_n)
        outputs = []
        for t in range(tgt.size(1)):
            state = self.cell(tgt[:, t], state)  # expect: RNN006
            outputs.append(self.out(state[0]))
        return torch.stack(outputs, dim=1)


def build():
    torch.manual_seed(0)
    return Seq2SeqCell(), (torch.randn(3, 7, 4), torch.randn(3, 5, 4))
