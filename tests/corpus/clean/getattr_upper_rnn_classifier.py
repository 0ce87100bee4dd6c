"""Genre classifier from audio features; the cell name comes from a config string."""
import torch
import torch.nn as nn


class GenreRNN(nn.Module):
    def __init__(self, n_features, n_genres, rnn_type="gru", hidden_size=32, num_layers=2,
                 bidirectional=True, dropout=0.25):
        super().__init__()
        self.rnn_type = rnn_type.upper()
        rnn_cls = getattr(nn, self.rnn_type)
        self.rnn = rnn_cls(
            n_features,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
        )
        self.num_directions = 2 if bidirectional else 1
        self.fc = nn.Linear(hidden_size * self.num_directions, n_genres)

    def forward(self, x):
        outputs, state = self.rnn(x)
        h_n = state[0] if self.rnn_type == "LSTM" else state
        if self.num_directions == 2:
            features = torch.cat((h_n[-2], h_n[-1]), dim=1)
        else:
            features = h_n[-1]
        return self.fc(features)


def build():
    torch.manual_seed(0)
    model = GenreRNN(n_features=20, n_genres=8, rnn_type="lstm")
    x = torch.randn(4, 9, 20)
    return model, (x,), (4, 8)
