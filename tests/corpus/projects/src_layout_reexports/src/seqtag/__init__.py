"""Sequence tagging with a bidirectional LSTM whose two directions share the hidden width."""
from .config import TaggerConfig
from .model import Tagger

__all__ = ["Tagger", "TaggerConfig"]
