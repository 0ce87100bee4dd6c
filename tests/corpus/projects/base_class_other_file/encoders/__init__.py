from .base import RecurrentBase

__all__ = ["RecurrentBase"]
