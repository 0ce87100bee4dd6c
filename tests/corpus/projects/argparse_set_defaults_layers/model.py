import torch
import torch.nn as nn


class Detector(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.bidirectional = args.bidirectional
        self.lstm = nn.LSTM(args.n_features, args.hidden, num_layers=args.layers,
                            dropout=args.dropout, batch_first=True,
                            bidirectional=args.bidirectional)
        self.fc = nn.Linear(args.hidden * (2 if args.bidirectional else 1), 1)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        last = torch.cat([h_n[-2], h_n[-1]], 1) if self.bidirectional else h_n[-1]
        return self.fc(last)
