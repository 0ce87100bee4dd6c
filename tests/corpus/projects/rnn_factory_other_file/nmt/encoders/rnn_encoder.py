"""An encoder whose bridge maps each sample's final states, all layers at once: the batch
axis is moved to the front before the states are flattened, and back after."""
import torch.nn as nn
import torch.nn.functional as F

from nmt.utils.factory import rnn_factory


class RNNEncoder(nn.Module):
    def __init__(self, rnn_type, bidirectional, num_layers, hidden_size, emb_size, use_bridge=False):
        super().__init__()
        num_directions = 2 if bidirectional else 1
        hidden_size = hidden_size // num_directions
        self.rnn, self.no_pack = rnn_factory(rnn_type, input_size=emb_size, hidden_size=hidden_size,
                                             num_layers=num_layers, bidirectional=bidirectional)
        self.use_bridge = use_bridge
        if use_bridge:
            number_of_states = 2 if rnn_type == "LSTM" else 1
            self.total_hidden_dim = hidden_size * num_layers * num_directions
            self.bridge = nn.ModuleList([nn.Linear(self.total_hidden_dim, self.total_hidden_dim)
                                         for _ in range(number_of_states)])

    def forward(self, emb):
        memory_bank, final = self.rnn(emb)
        if self.use_bridge:
            final = self._bridge(final)
        return final, memory_bank

    def _bridge(self, hidden):
        def bottle_hidden(linear, states):
            rows, batch, size = states.size()
            flat = states.permute(1, 0, 2).reshape(batch, rows * size)
            result = F.relu(linear(flat))
            return result.view(batch, rows, size).permute(1, 0, 2).contiguous()

        if isinstance(hidden, tuple):
            return tuple(bottle_hidden(layer, hidden[index]) for index, layer in enumerate(self.bridge))
        return bottle_hidden(self.bridge[0], hidden)
