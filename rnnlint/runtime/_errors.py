"""The exceptions raised by rnnlint's runtime checks.

Plain Python: imports neither torch nor jaxtyping, so that messages can be built anywhere.
"""

from __future__ import annotations

import itertools
import os
import sys
from types import FrameType, TracebackType
from typing import Any


class ShapeError(TypeError):
    """A tensor does not have the shape its annotation or its module asks for.

    A ``TypeError``, as jaxtyping's own annotation errors are. ``expected`` and ``got``
    describe the mismatch; the other attributes are ``None`` where they do not apply.
    """

    def __init__(
        self,
        message: str,
        *,
        function: str | None = None,
        argument: str | None = None,
        expected: Any = None,
        got: Any = None,
        bindings: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.function = function
        self.argument = argument
        self.expected = expected
        self.got = got
        self.bindings = dict(bindings or {})


class RNNShapeError(ShapeError, RuntimeError):
    """A recurrent module, or the layer that reads its result, got a tensor of the wrong shape.

    Also a ``RuntimeError``, like the error torch would have raised a moment later, so
    code that catches torch's shape errors keeps working while the watcher runs.
    ``rule`` is the rnnlint rule code (``"RNN006"``), ``module`` the module's qualified name.
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        module: str,
        expected: Any = None,
        got: Any = None,
    ) -> None:
        super().__init__(message, expected=expected, got=got)
        self.rule = rule
        self.module = module


_LIBRARIES = ("torch", "jaxtyping", "beartype", "rnnlint.runtime")


def user_line() -> str | None:
    """``path:line`` of the innermost frame outside torch and rnnlint's runtime: where the
    user's code made the call being checked."""
    folders = _library_folders()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not frame.f_code.co_filename.startswith(folders):
            return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def _library_folders() -> tuple[str, ...]:
    files = (getattr(module, "__file__", None) for module in map(sys.modules.get, _LIBRARIES))
    return tuple(os.path.dirname(file) + os.sep for file in files if file)


def strip_library_frames(error: BaseException) -> BaseException:
    """Drop the frames of torch, jaxtyping, beartype and rnnlint's runtime from ``error``'s
    traceback, so that a report ends on the user's line that made the bad call."""
    folders = _library_folders()
    kept: list[TracebackType] = []
    frame = error.__traceback__
    while frame is not None:
        if not frame.tb_frame.f_code.co_filename.startswith(folders):
            kept.append(frame)
        frame = frame.tb_next
    if not kept:
        return error
    for earlier, later in itertools.pairwise(kept):
        earlier.tb_next = later
    kept[-1].tb_next = None
    return error.with_traceback(kept[0])


# shown in tracebacks as the public name, not the private module
ShapeError.__module__ = "rnnlint.runtime"
RNNShapeError.__module__ = "rnnlint.runtime"
