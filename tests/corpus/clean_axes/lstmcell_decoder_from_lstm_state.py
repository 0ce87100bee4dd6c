"""Caption-style decoder: an LSTM encoder's last layer `(h_n[-1], c_n[-1])`, each (batch,
hidden), starts an LSTMCell that is stepped with teacher forcing."""
import torch
import torch.nn as nn


class EncoderCellDecoder(nn.Module):
    def __init__(self, n_features=7, vocab=22, emb=9, hidden=14, layers=2):
        super().__init__()
        self.encoder = nn.LSTM(n_features, hidden, layers, batch_first=True, dropout=0.2)
        self.embed = nn.Embedding(vocab, emb)
        self.cell = nn.LSTMCell(emb, hidden)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, frames, captions):
        _, (h_n, c_n) = self.encoder(frames)
        state = (h_n[-1], c_n[-1])
        words = self.embed(captions)  # (batch, len, emb)
        steps = []
        for t in range(words.size(1)):
            state = self.cell(words[:, t], state)
            steps.append(self.fc(state[0]))
        return torch.stack(steps, 1)


def build():
    torch.manual_seed(0)
    frames = torch.randn(3, 10, 7)
    captions = torch.randint(0, 22, (3, 4))
    return EncoderCellDecoder(), (frames, captions), (3, 4, 22)
