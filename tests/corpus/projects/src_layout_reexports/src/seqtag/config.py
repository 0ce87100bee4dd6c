from typing import NamedTuple


class TaggerConfig(NamedTuple):
    vocab_size: int = 80
    n_tags: int = 9
    emb_dim: int = 16
    hidden: int = 32  # the width of the encoder's output, both directions together
    layers: int = 2
    dropout: float = 0.1
