"""A training script whose settings are written in its `__main__` block."""
import torch
import torch.nn as nn


class SpeakerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(N_MELS, HIDDEN, batch_first=True, bidirectional=BIDIRECTIONAL)
        self.fc = nn.Linear(HIDDEN, N_SPEAKERS)  # expect: RNN001

    def forward(self, mels):
        out, _ = self.gru(mels)
        return self.fc(out.mean(dim=1))


def train(model, steps=1):
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        loss = model(torch.randn(4, 20, N_MELS)).logsumexp(1).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()


if __name__ == "__main__":
    N_MELS = 40
    HIDDEN = 32
    N_SPEAKERS = 10
    BIDIRECTIONAL = True
    train(SpeakerNet())
