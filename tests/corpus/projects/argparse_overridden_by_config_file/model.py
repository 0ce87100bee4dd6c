import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.gru = nn.GRU(args.input_size, args.hidden_size, num_layers=args.num_layers,
                          dropout=args.dropout, batch_first=True)
        self.head = nn.Linear(args.hidden_size, args.horizon)

    def forward(self, history):
        _, h_n = self.gru(history)
        return self.head(h_n[-1])
