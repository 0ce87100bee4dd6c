from .constants import CONV_CHANNELS, N_MELS
from .model import KeywordSpotter

__all__ = ["CONV_CHANNELS", "KeywordSpotter", "N_MELS"]
