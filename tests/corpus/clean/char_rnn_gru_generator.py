"""Character-level text generator: embedding, multi-layer GRU, logits for the next character."""
import torch
import torch.nn as nn


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, n_layers=1):
        super(CharRNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers

        self.encoder = nn.Embedding(input_size, hidden_size)
        self.rnn = nn.GRU(hidden_size, hidden_size, n_layers, batch_first=True)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        batch_size = input.size(0)
        encoded = self.encoder(input)
        output, hidden = self.rnn(encoded, hidden)
        output = self.decoder(output.reshape(-1, self.hidden_size))
        return output.view(batch_size, -1, self.output_size), hidden

    def init_hidden(self, batch_size):
        return torch.zeros(self.n_layers, batch_size, self.hidden_size)


def build():
    torch.manual_seed(0)
    n_characters = 65
    model = CharRNN(n_characters, 32, n_characters, n_layers=2)
    chunk = torch.randint(0, n_characters, (4, 9))
    return model, (chunk, model.init_hidden(4)), (4, 9, n_characters)
