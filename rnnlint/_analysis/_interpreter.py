"""An abstract interpreter for ``__init__`` and ``forward``: symbolic values, no execution.

It walks statements once, keeps guarded alternatives where branches differ, and records facts
(layer calls, recurrent calls, indexing, reshapes) for the rules to judge. Each part lives in its
own module; this one puts them together. Nothing here imports the driver.
"""

from __future__ import annotations

from ._calls import Calls
from ._conditions import Conditions
from ._core import MODULE_BASES, ClassInfo, PathEnds, ShapeNote, positional_parameters, used
from ._expressions import Expressions
from ._program import Program
from ._statements import Statements

__all__ = ["MODULE_BASES", "ClassInfo", "Interpreter", "PathEnds", "ShapeNote", "positional_parameters", "used"]


class Interpreter(Statements, Conditions, Expressions, Program, Calls):
    """Interprets the methods of one class (or module-level code) over abstract values."""
