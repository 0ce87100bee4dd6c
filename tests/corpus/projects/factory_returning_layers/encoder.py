import torch.nn as nn

from modules.init import embedding_layer, linear_layer, lstm_layer


class BiLSTMEncoder(nn.Module):
    """Batch-first tokens in, time-major states out. The final states of both directions are
    put side by side per layer, so that a unidirectional decoder of width 2 * hidden can start
    from them."""

    def __init__(self, vocab_size, embed_dim=16, hidden_size=20, num_layers=2, dropout=0.1, pad=0):
        super().__init__()
        self.num_layers = num_layers
        self.tokens = embedding_layer(vocab_size, embed_dim, pad)
        self.lstm = lstm_layer(embed_dim, hidden_size, num_layers=num_layers, bidirectional=True,
                               dropout=dropout if num_layers > 1 else 0.0)
        self.output_units = 2 * hidden_size
        self.to_embed = linear_layer(self.output_units, embed_dim)

    def side_by_side(self, final, batch):
        # (layers * 2, batch, hidden) -> (layers, 2, batch, hidden) -> (layers, batch, 2, hidden)
        per_layer = final.reshape(self.num_layers, 2, batch, -1).permute(0, 2, 1, 3)
        return per_layer.reshape(self.num_layers, batch, -1)

    def forward(self, src_tokens):
        batch = src_tokens.size(0)
        x = self.tokens(src_tokens).transpose(0, 1)  # (seq, batch, embed)
        states, (final_h, final_c) = self.lstm(x)
        return self.to_embed(states), (self.side_by_side(final_h, batch),
                                       self.side_by_side(final_c, batch))
