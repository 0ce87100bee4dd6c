"""A `DataLoader` whose `collate_fn` pads batch first, and a training loop that hands the model
each batch transposed to sequence first (`tokens.t()`), which the model packs and runs sequence
first; an evaluation loop over `enumerate(loader)` does the same with `transpose(0, 1)`."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    tokens = [torch.as_tensor(seq) for seq, _ in batch]
    lengths = torch.tensor([len(seq) for seq in tokens])
    labels = torch.tensor([label for _, label in batch])
    return pad_sequence(tokens, batch_first=True, padding_value=0), lengths, labels


class Classifier(nn.Module):
    def __init__(self, vocab=30, embed=6, hidden=5, n_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed, padding_idx=0)
        self.gru = nn.GRU(embed, hidden)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, tokens, lengths):  # tokens: (seq, batch)
        packed = pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return self.fc(h_n[-1])


def train(data, epochs=1):
    model = Classifier()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(data, batch_size=3, shuffle=True, collate_fn=collate)
    for _ in range(epochs):
        for tokens, lengths, labels in loader:
            optimiser.zero_grad()
            loss = nn.functional.cross_entropy(model(tokens.t(), lengths), labels)
            loss.backward()
            optimiser.step()
    correct = 0
    for _, (tokens, lengths, labels) in enumerate(loader):
        correct += (model(tokens.transpose(0, 1), lengths).argmax(1) == labels).sum().item()
    return model, correct


def build():
    torch.manual_seed(0)
    data = [(torch.randint(1, 30, (n,)), n % 2) for n in (4, 6, 5)]
    model, _ = train(data)
    tokens, lengths, _ = next(iter(DataLoader(data, batch_size=3, collate_fn=collate)))
    return model, (tokens.t(), lengths), (3, 2)
