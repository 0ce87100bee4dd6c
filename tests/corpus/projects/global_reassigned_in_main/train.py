"""POS tagger training script. The module-level settings are placeholders: `configure()`
(called first by `main()`) sets them from the command line before any model is built."""
import argparse

import torch
import torch.nn as nn

NUM_LAYERS = 1
DROPOUT = 0.0
BATCH_FIRST = False
HIDDEN = 16


class Tagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb_dim=12):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim)
        self.lstm = nn.LSTM(emb_dim, HIDDEN, num_layers=NUM_LAYERS, dropout=DROPOUT,
                            batch_first=BATCH_FIRST)
        self.fc = nn.Linear(HIDDEN, n_tags)

    def forward(self, tokens):
        # tokens: (batch, seq); the tagger labels the last token of each window
        out, _ = self.lstm(self.embed(tokens))
        return self.fc(out[:, -1])


def configure(argv=None):
    global NUM_LAYERS, DROPOUT, BATCH_FIRST, HIDDEN
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--hidden", type=int, default=24)
    args = parser.parse_args(argv)
    NUM_LAYERS = args.layers
    DROPOUT = args.dropout
    HIDDEN = args.hidden
    BATCH_FIRST = True  # the data loader below yields (batch, seq)
    return args


def main(argv=None):
    configure(argv)
    model = Tagger(vocab_size=100, n_tags=7)
    optimiser = torch.optim.Adam(model.parameters())
    tokens = torch.randint(0, 100, (8, 5))
    loss = model(tokens).logsumexp(dim=1).mean()
    loss.backward()
    optimiser.step()


if __name__ == "__main__":
    main()
