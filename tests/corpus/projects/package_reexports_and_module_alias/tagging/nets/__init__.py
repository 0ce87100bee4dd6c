from .recurrent import RecurrentEncoder

__all__ = ["RecurrentEncoder"]
