"""Click-through model over user event sequences; only `import torch` and fully qualified names."""
import torch


class EventSequenceCTR(torch.nn.Module):
    def __init__(self, n_event_types, n_dense, emb_dim=12, hidden_dim=24):
        super().__init__()
        self.event_embedding = torch.nn.Embedding(n_event_types, emb_dim)
        self.gru = torch.nn.GRU(input_size=emb_dim + n_dense, hidden_size=hidden_dim,
                                batch_first=True)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(hidden_dim, 16),
            torch.nn.ReLU(),
            torch.nn.Linear(16, 1),
        )

    def forward(self, event_ids, dense_features):
        x = torch.cat([self.event_embedding(event_ids), dense_features], dim=-1)
        _, h_n = self.gru(x)
        return torch.sigmoid(self.mlp(h_n[-1])).squeeze(-1)


def build():
    torch.manual_seed(0)
    model = EventSequenceCTR(n_event_types=20, n_dense=4)
    event_ids = torch.randint(0, 20, (5, 8))
    dense = torch.randn(5, 8, 4)
    return model, (event_ids, dense), (5,)
