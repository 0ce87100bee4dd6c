"""Next-item recommender over browsing histories; the RNN class is a constructor argument."""
import torch
import torch.nn as nn


class BrowsingRecommender(nn.Module):
    def __init__(self, n_items, embedding_dim=32, hidden_size=40, rnn_type="lstm", n_layers=1):
        super().__init__()
        self.item_embedding = nn.Embedding(n_items, embedding_dim)
        cells = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
        self.rnn = cells[rnn_type.lower()](embedding_dim, hidden_size, n_layers, batch_first=True)
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.scores = nn.Linear(hidden_size, n_items)

    def initial_state(self, batch_size):
        zeros = self.item_embedding.weight.new_zeros(self.n_layers, batch_size,
                                                     self.hidden_size)
        if isinstance(self.rnn, nn.LSTM):
            return zeros, zeros.clone()
        return zeros

    def forward(self, histories):
        state = self.initial_state(histories.size(0))
        out, state = self.rnn(self.item_embedding(histories), state)
        return self.scores(out[:, -1])


def build():
    torch.manual_seed(0)
    model = BrowsingRecommender(n_items=80, rnn_type="LSTM", n_layers=2)
    histories = torch.randint(0, 80, (4, 6))
    return model, (histories,), (4, 80)
