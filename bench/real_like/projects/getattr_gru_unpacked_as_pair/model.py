import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, args, n_features=4, n_classes=3):
        super().__init__()
        self.rnn = getattr(nn, args.rnn_type)(n_features, args.hidden, args.layers, batch_first=True)
        self.fc = nn.Linear(args.hidden, n_classes)

    def forward(self, x):
        # right for the LSTM; a GRU's h_n of two layers unpacks into its layers
        _, (h, c) = self.rnn(x)  # expect: RNN007
        return self.fc(h[-1])
