"""Name generator run on one name at a time: each character's embedding is viewed as (1, 1,
hidden), a sequence of one step and a batch of one."""
import torch
import torch.nn as nn


class NameGenerator(nn.Module):
    def __init__(self, hidden_size=16, n_letters=25):
        super().__init__()
        self.hidden_size = hidden_size
        self.letters = nn.Embedding(n_letters, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)
        self.to_letter = nn.Linear(hidden_size, n_letters)

    def next_letter(self, letter, state):
        step = self.letters(letter).view(1, 1, -1)
        out, state = self.gru(torch.tanh(step), state)
        return self.to_letter(out.view(1, -1)).log_softmax(-1), state

    def forward(self, first_letter, length: int = 6):
        state = torch.zeros(1, 1, self.hidden_size)
        letter = first_letter
        log_probs = []
        for _ in range(length):
            scores, state = self.next_letter(letter, state)
            log_probs.append(scores)
            letter = scores.argmax(-1)
        return torch.cat(log_probs)


def build():
    torch.manual_seed(0)
    return NameGenerator(), (torch.tensor([0]),), (6, 25)
