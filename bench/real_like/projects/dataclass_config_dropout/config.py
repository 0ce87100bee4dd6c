from dataclasses import dataclass


@dataclass(frozen=True)
class RecognizerConfig:
    n_mels: int = 20
    hidden: int = 16
    layers: int = 1
    dropout: float = 0.3
    n_words: int = 8
