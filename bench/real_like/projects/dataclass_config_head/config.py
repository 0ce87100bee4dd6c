from dataclasses import dataclass


@dataclass
class EncoderConfig:
    n_features: int = 8
    hidden: int = 16
    layers: int = 2
    bidirectional: bool = True
    n_classes: int = 5
