"""Reads each sample on its own, without padding: the loop runs over the batch axis, but each
step feeds one whole sequence as a batch of one; the time axis is never the loop's."""
import torch
import torch.nn as nn


class PerSampleEncoder(nn.Module):
    def __init__(self, n_features=4, hidden=9, n_classes=2):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x, lengths):
        # x: (batch, max_len, n_features); sample i is x[i, :lengths[i]]
        summaries = []
        for i in range(x.size(0)):
            _, (h_n, _) = self.lstm(x[i, : int(lengths[i])].unsqueeze(0))
            summaries.append(h_n[-1, 0])
        return self.fc(torch.stack(summaries))


def build():
    torch.manual_seed(0)
    x = torch.randn(3, 8, 4)
    lengths = torch.tensor([8, 5, 2])
    return PerSampleEncoder(), (x, lengths), (3, 2)
