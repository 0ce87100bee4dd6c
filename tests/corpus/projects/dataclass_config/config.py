from dataclasses import dataclass, field


@dataclass
class ModelConfig:
    vocab_size: int = 100
    emb_dim: int = 32
    hidden_dim: int = 64
    num_layers: int = 1
    bidirectional: bool = False
    dropout: float = 0.0
    n_labels: int = 2

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1


@dataclass
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    lr: float = 1e-3
    epochs: int = 10
