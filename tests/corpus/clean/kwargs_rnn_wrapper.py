"""Generic recurrent encoder: RNN options pass through **kwargs; the head reads them back."""
import torch
import torch.nn as nn


class RecurrentEncoder(nn.Module):
    def __init__(self, input_size, output_size, rnn_cls=nn.LSTM, **rnn_kwargs):
        super().__init__()
        rnn_kwargs.setdefault("batch_first", True)
        self.rnn = rnn_cls(input_size, **rnn_kwargs)
        # size the head from the constructed module instead of repeating the arguments;
        # an LSTM with projections returns proj_size features per direction
        per_direction = getattr(self.rnn, "proj_size", 0) or self.rnn.hidden_size
        out_features = per_direction * (2 if self.rnn.bidirectional else 1)
        self.head = nn.Linear(out_features, output_size)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)


def build():
    torch.manual_seed(0)
    model = RecurrentEncoder(10, 3, rnn_cls=nn.GRU, hidden_size=20, num_layers=2,
                             bidirectional=True, dropout=0.1)
    x = torch.randn(4, 6, 10)
    return model, (x,), (4, 6, 3)
