"""Speaker embedding: final GRU states reshaped to (layers, directions, batch, hidden)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SpeakerEncoder(nn.Module):
    def __init__(self, n_mels=20, hidden_size=32, num_layers=3, bidirectional=True,
                 embedding_size=16):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.gru = nn.GRU(n_mels, hidden_size, num_layers, batch_first=True,
                          bidirectional=bidirectional)
        self.linear = nn.Linear(self.num_directions * hidden_size, embedding_size)

    def forward(self, mels):
        _, h_n = self.gru(mels)
        batch = mels.shape[0]
        h_n = h_n.view(self.num_layers, self.num_directions, batch, self.hidden_size)
        top = h_n[-1].permute(1, 0, 2).reshape(batch, self.num_directions * self.hidden_size)
        return F.normalize(self.linear(top), p=2, dim=1)


def build():
    torch.manual_seed(0)
    model = SpeakerEncoder()
    mels = torch.randn(4, 9, 20)
    return model, (mels,), (4, 16)
