"""`shapecheck`: jaxtyping annotations checked by beartype, failing with one `ShapeError`.

Also the ready-made jaxtyping aliases for the tensors a recurrent module takes and returns.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from beartype import beartype
from jaxtyping import Float, TypeCheckError, jaxtyped
from torch import Tensor

from ._errors import ShapeError

# Axis names shared by the aliases, so that one annotated function binds them consistently:
# `feature` is input_size, `directions_x_hidden` the last axis of `output`
# (num_directions * H_out), `layers_x_directions` the first axis of h_n and c_n.
BatchFirstSequence = Float[Tensor, "batch seq feature"]
SeqFirstSequence = Float[Tensor, "seq batch feature"]
UnbatchedSequence = Float[Tensor, "seq feature"]
BatchFirstOutput = Float[Tensor, "batch seq directions_x_hidden"]
SeqFirstOutput = Float[Tensor, "seq batch directions_x_hidden"]
HiddenState = Float[Tensor, "layers_x_directions batch hidden"]
CellState = Float[Tensor, "layers_x_directions batch cell"]
LastHidden = Float[Tensor, "batch hidden"]

Function = TypeVar("Function", bound=Callable[..., Any])


def shapecheck(function: Function) -> Function:
    """Check ``function``'s jaxtyping annotations on every call; raise `ShapeError` on a mismatch.

    >>> @shapecheck
    ... def last_step(output: BatchFirstOutput) -> Float[Tensor, "batch directions_x_hidden"]:
    ...     return output[:, -1]
    """
    checked = jaxtyped(typechecker=beartype)(function)

    @functools.wraps(function)
    def call_checked(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        try:
            return checked(*args, **kwargs)
        except TypeCheckError as error:
            raise shape_error_from(error) from None

    return call_checked  # type: ignore[return-value]  # functools.wraps keeps the signature of `function`


_HEADLINE = re.compile(r"whilst checking the (parameters|return value) of (\S+?)\.?$")
_PARAMETER = re.compile(r"typechecking parameter '([^']+)'")
_ARRAY = re.compile(r"^(\w+)\[([\d,\s]*)\]")
_ANNOTATION = re.compile(r"^(\w+)\[[\w.]+, '([^']*)'\]$")
_BINDINGS_HEADER = "The current values for each jaxtyping axis annotation are as follows."


def shape_error_from(error: TypeCheckError) -> ShapeError:
    """Turn jaxtyping's several-part report into one `ShapeError` with the facts that matter."""
    lines = str(error).splitlines()
    headline = _HEADLINE.search(lines[0]) if lines else None
    if headline is None:
        return ShapeError(str(error))
    function = headline.group(2)
    parameter = _first_match(_PARAMETER, lines)
    argument = "return value" if headline.group(1) == "return value" else parameter
    expected = _strip_class(_line_value(lines, "Expected type:"))
    got = _line_value(lines, "Actual value:")
    bindings = _bindings(lines)

    if argument is None:
        title = f"the arguments of `{function}` do not match their annotations together"
    elif argument == "return value":
        title = f"the return value of `{function}` does not match its annotation"
    else:
        title = f"argument `{argument}` of `{function}` does not match its annotation"
    message = [f"shapecheck: {title}"]
    shape = _shape_of(got)
    if expected is not None:
        message.append(f"  expected: {expected}")
    if got is not None:
        message.append(f"  got:      {_describe(got, shape)}")
    if bindings:
        message.append("  bound:    " + ", ".join(f"{k}={v}" for k, v in bindings.items()))
    conflict = _conflict(expected, shape, bindings)
    if conflict:
        message.append(f"  {conflict}")
    return ShapeError(
        "\n".join(message),
        function=function,
        argument=argument,
        expected=expected,
        got=shape if shape is not None else got,
        bindings=bindings,
    )


def _first_match(pattern: re.Pattern[str], lines: list[str]) -> str | None:
    for line in lines:
        found = pattern.search(line)
        if found:
            return found.group(1)
    return None


def _line_value(lines: list[str], prefix: str) -> str | None:
    for line in lines:
        if line.startswith(prefix):
            return line[len(prefix):].strip()
    return None


def _strip_class(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.rstrip(".")
    if text.startswith("<class '") and text.endswith("'>"):
        text = text[len("<class '"):-len("'>")]
    return text


def _bindings(lines: list[str]) -> dict[str, Any]:
    if _BINDINGS_HEADER not in lines:
        return {}
    bindings: dict[str, Any] = {}
    for line in lines[lines.index(_BINDINGS_HEADER) + 1:]:
        name, equals, value = line.partition("=")
        if not equals or not name.isidentifier():
            break
        bindings[name] = int(value) if value.isdigit() else value
    return bindings


def _shape_of(actual: str | None) -> tuple[int, ...] | None:
    found = _ARRAY.match(actual or "")
    if found is None:
        return None
    return tuple(int(size) for size in found.group(2).split(",") if size.strip())


def _describe(actual: str, shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return actual
    return f"shape {shape}, dtype {_ARRAY.match(actual).group(1)}"  # type: ignore[union-attr]  # jaxtyping writes `dtype[shape]`


def _conflict(expected: str | None, shape: tuple[int, ...] | None, bindings: dict) -> str:
    """The first axis that breaks the annotation, when the annotation is a plain list of axes."""
    annotation = _ANNOTATION.match(expected or "")
    if annotation is None or shape is None:
        return ""
    axes = annotation.group(2).split()
    # variadic, broadcast or arithmetic axes: leave the explanation to the lines above
    if not all(axis.isidentifier() or axis.isdigit() for axis in axes):
        return ""
    if len(axes) != len(shape):
        return f"rank: the annotation has {len(axes)} axes, the tensor {len(shape)}"
    for position, (axis, size) in enumerate(zip(axes, shape, strict=True)):
        if axis.isdigit() and int(axis) != size:
            return f"axis {position} must have size {axis}, has {size}"
        if axis.startswith("_"):
            continue
        bound = bindings.get(axis)
        if isinstance(bound, int) and bound != size:
            return f"`{axis}` is bound to {bound}, but axis {position} has size {size}"
    return ""
