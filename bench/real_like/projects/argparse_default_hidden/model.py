import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, args, vocab_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, args.emb_dim)
        # the input size should be args.emb_dim: with the defaults of train.py, 100 != 128
        self.lstm = nn.LSTM(args.hidden, args.hidden, batch_first=True)  # expect: RNN008
        self.fc = nn.Linear(args.hidden, args.n_classes)

    def forward(self, tokens):
        _, (h_n, _) = self.lstm(self.embedding(tokens))
        return self.fc(h_n[-1])
