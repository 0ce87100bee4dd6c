from .listener import Listener

__all__ = ["Listener"]
