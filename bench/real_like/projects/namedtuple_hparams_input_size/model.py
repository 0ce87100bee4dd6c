import torch.nn as nn

from hparams import HParams


class Classifier(nn.Module):
    def __init__(self, hp: HParams = HParams()):
        super().__init__()
        self.embed = nn.Embedding(hp.vocab, hp.emb)
        self.lstm = nn.LSTM(hp.hidden, hp.hidden, batch_first=True)  # expect: RNN008
        self.fc = nn.Linear(hp.hidden, hp.n_classes)

    def forward(self, tokens):
        _, (h_n, _) = self.lstm(self.embed(tokens))
        return self.fc(h_n[-1])
