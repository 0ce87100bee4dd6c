import torch.nn as nn


class Detector(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.lstm = nn.LSTM(args.n_features, args.hidden, num_layers=args.layers,  # expect: RNN009
                            dropout=args.dropout, batch_first=True)
        self.fc = nn.Linear(args.hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
