"""``python -m rnnlint``."""

from .cli import entry

entry()
