"""ECG rhythm classifier; sizes are module-level constants shared by the training script."""
import torch
import torch.nn as nn

N_LEADS = 12
HIDDEN = 64
NUM_LAYERS = 2
BIDIRECTIONAL = True
N_RHYTHMS = 5
NUM_DIRECTIONS = 2 if BIDIRECTIONAL else 1


class RhythmGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(N_LEADS, HIDDEN, NUM_LAYERS, batch_first=True, dropout=0.2,
                          bidirectional=BIDIRECTIONAL)
        self.fc = nn.Linear(HIDDEN * NUM_DIRECTIONS, N_RHYTHMS)

    def forward(self, ecg):
        # ecg: (batch, samples, N_LEADS)
        h0 = torch.zeros(NUM_LAYERS * NUM_DIRECTIONS, ecg.size(0), HIDDEN)
        out, _ = self.gru(ecg, h0)
        return self.fc(out[:, -1, :])


def build():
    torch.manual_seed(0)
    model = RhythmGRU()
    ecg = torch.randn(3, 9, N_LEADS)
    return model, (ecg,), (3, N_RHYTHMS)
