import torch.nn as nn

from sizes import rnn_output_size


class ProjectedTagger(nn.Module):
    def __init__(self, n_features=6, hidden=16, proj=8, bidirectional=True, n_tags=5):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, proj_size=proj, batch_first=True,
                            bidirectional=bidirectional)
        self.tags = nn.Linear(rnn_output_size(hidden, bidirectional, proj), n_tags)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.tags(out)
