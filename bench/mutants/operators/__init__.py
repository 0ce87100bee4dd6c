"""The mutation operators, one module per family of rules. Importing a module registers its
operators in OPERATORS: the order of the imports below is the order mutants are made and listed.
"""

from ..sites import OPERATORS

# isort: off
from . import heads, time_axis, state, packing, construction, cells
# isort: on

__all__ = ["OPERATORS", "cells", "construction", "heads", "packing", "state", "time_axis"]
