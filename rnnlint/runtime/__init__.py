"""Runtime shape checks for PyTorch recurrent networks: annotations and module watchers.

Needs the ``runtime`` extra (torch, jaxtyping, beartype); never loads the static analysis.
"""

from ._annotations import (
    BatchFirstOutput,
    BatchFirstSequence,
    CellState,
    HiddenState,
    LastHidden,
    SeqFirstOutput,
    SeqFirstSequence,
    UnbatchedSequence,
    shape_error_from,
    shapecheck,
)
from ._errors import RNNShapeError, ShapeError, strip_library_frames
from ._watch import NewModuleWatch, Watch, watch, watch_new_modules

__all__ = [
    "BatchFirstOutput",
    "BatchFirstSequence",
    "CellState",
    "HiddenState",
    "LastHidden",
    "NewModuleWatch",
    "RNNShapeError",
    "SeqFirstOutput",
    "SeqFirstSequence",
    "ShapeError",
    "UnbatchedSequence",
    "Watch",
    "shape_error_from",
    "shapecheck",
    "strip_library_frames",
    "watch",
    "watch_new_modules",
]
