import torch.nn as nn


class SourceReader(nn.Module):
    """Reads a time-major source sentence, (src_len, batch), into the LSTM's final state."""

    def __init__(self, vocab_size, emb_size, state_size, depth, dropout):
        super().__init__()
        self.state_size = state_size
        self.depth = depth
        self.words = nn.Embedding(vocab_size, emb_size)
        self.lstm = nn.LSTM(emb_size, state_size, depth, dropout=dropout)
        self.drop = nn.Dropout(dropout)

    def forward(self, src):
        _, state = self.lstm(self.drop(self.words(src)))
        return state


class StepDecoder(nn.Module):
    """Decodes one time step: a (batch,) vector of previous words becomes (1, batch, emb)."""

    def __init__(self, vocab_size, emb_size, state_size, depth, dropout):
        super().__init__()
        self.vocab_size = vocab_size
        self.words = nn.Embedding(vocab_size, emb_size)
        self.lstm = nn.LSTM(emb_size, state_size, depth, dropout=dropout)
        self.scores = nn.Linear(state_size, vocab_size)
        self.drop = nn.Dropout(dropout)

    def forward(self, previous, state):
        step = self.drop(self.words(previous)).unsqueeze(0)
        out, state = self.lstm(step, state)
        return self.scores(out[0]), state
