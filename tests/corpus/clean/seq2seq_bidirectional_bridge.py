"""Encoder-decoder: a multi-layer bidirectional encoder initialises a unidirectional decoder."""
import torch
import torch.nn as nn


class BridgedSeq2Seq(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, emb_dim=16, hidden_size=24, num_layers=2):
        super().__init__()
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.src_emb = nn.Embedding(src_vocab, emb_dim)
        self.tgt_emb = nn.Embedding(tgt_vocab, emb_dim)
        self.encoder = nn.LSTM(emb_dim, hidden_size, num_layers, bidirectional=True)
        self.decoder = nn.LSTM(emb_dim, hidden_size, num_layers)
        self.generator = nn.Linear(hidden_size, tgt_vocab)

    def _merge_directions(self, state):
        # (num_layers * 2, batch, hidden) -> sum the two directions of every layer
        batch = state.size(1)
        state = state.view(self.num_layers, 2, batch, self.hidden_size)
        return state.sum(dim=1)

    def forward(self, src, tgt):
        _, (h_n, c_n) = self.encoder(self.src_emb(src))
        decoder_state = (self._merge_directions(h_n), self._merge_directions(c_n))
        dec_out, _ = self.decoder(self.tgt_emb(tgt), decoder_state)
        return self.generator(dec_out)


def build():
    torch.manual_seed(0)
    model = BridgedSeq2Seq(src_vocab=30, tgt_vocab=32, num_layers=2)
    src = torch.randint(0, 30, (8, 4))
    tgt = torch.randint(0, 32, (6, 4))
    return model, (src, tgt), (6, 4, 32)
