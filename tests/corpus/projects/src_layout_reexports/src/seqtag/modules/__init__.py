from .encoder import HalfWidthBiLSTM
