"""Title generator: GRU encoder, GRUCell decoder decoding greedily up to a fixed length."""
import torch
import torch.nn as nn

SOS_TOKEN = 1


class GreedyTitleGenerator(nn.Module):
    def __init__(self, vocab_size, emb_size=16, hidden_size=32, max_len=6):
        super().__init__()
        self.max_len = max_len
        self.embedding = nn.Embedding(vocab_size, emb_size)
        self.encoder = nn.GRU(emb_size, hidden_size, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden_size, hidden_size)
        self.decoder = nn.GRUCell(emb_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, body):
        _, h_n = self.encoder(self.embedding(body))
        hidden = torch.tanh(self.bridge(torch.cat((h_n[0], h_n[1]), dim=-1)))
        token = body.new_full((body.size(0),), SOS_TOKEN)
        generated = []
        for _ in range(self.max_len):
            hidden = self.decoder(self.embedding(token), hidden)
            token = self.out(hidden).argmax(dim=-1)
            generated.append(token)
        return torch.stack(generated, dim=1)          # (batch, max_len) token ids


def build():
    torch.manual_seed(0)
    model = GreedyTitleGenerator(vocab_size=40)
    body = torch.randint(2, 40, (3, 9))
    return model, (body,), (3, 6)
