"""Spam filter with explicit initial states moved to the model's device."""
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


class SpamLSTM(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers,
                 bidirectional, drop_prob=0.5):
        super(SpamLSTM, self).__init__()
        self.output_dim = output_dim
        self.n_layers = n_layers
        self.hidden_dim = hidden_dim
        self.num_directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers, dropout=drop_prob,
                            batch_first=True, bidirectional=bidirectional)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim * self.num_directions, output_dim)
        self.sig = nn.Sigmoid()

    def init_hidden(self, batch_size):
        h0 = torch.zeros(self.n_layers * self.num_directions, batch_size,
                         self.hidden_dim).to(device)
        c0 = torch.zeros(self.n_layers * self.num_directions, batch_size,
                         self.hidden_dim).to(device)
        return (h0, c0)

    def forward(self, x, hidden):
        batch_size = x.size(0)
        lstm_out, hidden = self.lstm(self.embedding(x), hidden)
        lstm_out = lstm_out.contiguous().view(-1, self.hidden_dim * self.num_directions)
        out = self.sig(self.fc(self.dropout(lstm_out)))
        out = out.view(batch_size, -1)[:, -1]    # probability at the last token
        return out, hidden


def build():
    torch.manual_seed(0)
    model = SpamLSTM(vocab_size=90, embedding_dim=16, hidden_dim=24, output_dim=1, n_layers=2,
                     bidirectional=True).to(device)
    x = torch.randint(0, 90, (5, 9)).to(device)
    return model, (x, model.init_hidden(5)), (5,)
