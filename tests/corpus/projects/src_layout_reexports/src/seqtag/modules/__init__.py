from .encoder import HalfWidthBiLSTM

__all__ = ["HalfWidthBiLSTM"]
