"""Protein family classifier: sequence-first LSTM over residues, averaged over the time axis."""
import torch
import torch.nn as nn

N_AMINO_ACIDS = 25


class ProteinLSTM(nn.Module):
    def __init__(self, n_families, embed_dim=16, hidden_dim=32, n_layers=2, bidirectional=False):
        super().__init__()
        self.embed = nn.Embedding(N_AMINO_ACIDS, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=n_layers,
                            bidirectional=bidirectional)
        self.fc = nn.Linear(hidden_dim * 2 if bidirectional else hidden_dim, n_families)

    def forward(self, residues):
        # residues: (batch, seq_len) -> the LSTM wants (seq_len, batch, embed_dim)
        x = self.embed(residues).permute(1, 0, 2)
        out, _ = self.lstm(x)
        return self.fc(out.mean(dim=0))


def build():
    torch.manual_seed(0)
    model = ProteinLSTM(n_families=7, bidirectional=True)
    residues = torch.randint(0, N_AMINO_ACIDS, (3, 9))
    return model, (residues,), (3, 7)
