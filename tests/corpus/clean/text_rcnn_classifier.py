"""TextRCNN: each word is represented by its left/right BiLSTM context plus its embedding."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TextRCNN(nn.Module):
    def __init__(self, vocab_size, embed_size=32, hidden_size=24, hidden_size_linear=32,
                 num_layers=1, n_classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers=num_layers,
                            bidirectional=True, batch_first=True)
        self.W = nn.Linear(embed_size + 2 * hidden_size, hidden_size_linear)
        self.fc = nn.Linear(hidden_size_linear, n_classes)

    def forward(self, x):
        x_emb = self.embedding(x)                        # (batch, seq_len, embed_size)
        output, _ = self.lstm(x_emb)                     # (batch, seq_len, 2 * hidden_size)
        output = torch.cat([output, x_emb], 2)
        output = torch.tanh(self.W(output)).transpose(1, 2)   # (batch, linear, seq_len)
        output = F.max_pool1d(output, output.size(2)).squeeze(2)
        return self.fc(output)


def build():
    torch.manual_seed(0)
    model = TextRCNN(vocab_size=90, num_layers=2)
    x = torch.randint(0, 90, (5, 7))
    return model, (x,), (5, 4)
