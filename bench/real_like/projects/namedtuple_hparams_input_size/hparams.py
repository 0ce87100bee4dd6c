from typing import NamedTuple


class HParams(NamedTuple):
    vocab: int = 60
    emb: int = 32
    hidden: int = 48
    n_classes: int = 4
