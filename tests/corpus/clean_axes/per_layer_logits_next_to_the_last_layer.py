"""Deep supervision: one head applied to every layer's final state gives one set of logits per
layer. The last layer's is the prediction, returned first; every layer's log-probabilities come
after it, for the auxiliary losses the training loop adds (`nll_loss(per_layer[i], y)`)."""
import torch
import torch.nn as nn


class DeeplySupervised(nn.Module):
    def __init__(self, n_features=4, hidden=8, layers=3, n_classes=5):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        _, h_n = self.gru(x)
        per_layer = self.fc(h_n)  # (layers, batch, n_classes)
        return per_layer[-1], torch.log_softmax(per_layer, dim=-1)


def build():
    torch.manual_seed(0)
    return DeeplySupervised(), (torch.randn(2, 6, 4),), (2, 5)
