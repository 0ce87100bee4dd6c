import torch
import torch.nn as nn

from modules.init import LSTM, Embedding, Linear


class BiLSTMEncoder(nn.Module):
    """Batch-first tokens in; time-major states out; the final states of both directions are
    joined per layer so that a unidirectional decoder of width 2 * hidden can start from them."""

    def __init__(self, vocab_size, embed_dim=16, hidden_size=20, num_layers=2, dropout=0.1, pad=0):
        super().__init__()
        self.num_layers = num_layers
        self.embed_tokens = Embedding(vocab_size, embed_dim, pad)
        self.lstm = LSTM(embed_dim, hidden_size, num_layers=num_layers, bidirectional=True,
                         dropout=dropout if num_layers > 1 else 0.0)
        self.output_units = 2 * hidden_size
        self.output_proj = Linear(self.output_units, embed_dim)

    def combine_bidir(self, state, bsz):
        out = state.view(self.num_layers, 2, bsz, -1).transpose(1, 2).contiguous()
        return out.view(self.num_layers, bsz, -1)

    def forward(self, src_tokens):
        bsz = src_tokens.size(0)
        x = self.embed_tokens(src_tokens).transpose(0, 1)  # (seq, batch, embed)
        x, (final_h, final_c) = self.lstm(x)
        final_h = self.combine_bidir(final_h, bsz)
        final_c = self.combine_bidir(final_c, bsz)
        return self.output_proj(x), (final_h, final_c)
