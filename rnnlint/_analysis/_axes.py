"""What each axis of a tensor is made of: an ordered product of named factors.

An axis of ``h_n`` is ``layers x directions``; a ``torch.cat`` of two ``(batch, hidden)`` state
slices on dim 0 has a ``parts x batch`` first axis. A ``view``/``reshape`` keeps the memory
order of these factors: it can only split an axis into its factors or merge neighbouring
ones. ``regroup`` follows a reshape over the factors, and tells when a size asked for is that
of a factor further along the memory order (the reshape reads the data in an order it is not
in). Pure functions over the sizes; equality of sizes is the caller's (``equal``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ._symbolic import UNKNOWN, Poly, Unknown, Value, as_int, number

# factor names: what a piece of an axis means
LAYERS, DIRECTIONS, BATCH, TIME, FEATURES, CHANNELS, HEIGHT, WIDTH, PARTS, STATE_ROWS = (
    "layers", "directions", "batch", "time", "features", "channels", "height", "width", "parts", "state rows")
NAMED = (LAYERS, DIRECTIONS, BATCH, TIME, FEATURES, CHANNELS, HEIGHT, WIDTH, PARTS, STATE_ROWS)


@dataclass(frozen=True)
class Factor:
    """One factor of an axis: its name (None for an opaque size) and its size."""

    name: str | None
    size: Value


@dataclass(frozen=True)
class Misread:
    """A reshape asks, at target axis ``axis``, for the size of ``wanted`` while the memory
    order has ``skipped`` next: the data of ``wanted`` is not where the new shape reads it."""

    axis: int
    wanted: Factor
    skipped: Factor
    # the factors the reshape reads in place around it (the leading and trailing runs matched)
    kept: tuple = ()


def of_axis(size: Value, role: str | None = None) -> tuple:
    """The factors of an axis nothing more is known of: the axis itself, named by its role."""
    return (Factor(role, size),)


def of_tensor(shape: tuple, factors: tuple | None, roles: tuple | None = None) -> tuple:
    """Every axis's factors: those recorded, else one factor per axis (named by its role)."""
    result = []
    for index, size in enumerate(shape):
        recorded = factors[index] if factors is not None and index < len(factors) else None
        role = _ROLE_NAMES.get(roles[index] if roles is not None and index < len(roles) else None)
        if recorded is None or (role is not None and _opaque_whole(recorded, size)):
            # an axis recorded as one opaque size (a layer's output, an axis kept by `expand`)
            # is still what its role says it is
            result.append(of_axis(size, role))
        else:
            result.append(recorded)
    return tuple(result)


def _opaque_whole(recorded: tuple, size: Value) -> bool:
    return len(recorded) == 1 and recorded[0].name is None and recorded[0].size == size


_ROLE_NAMES: dict[str | None, str] = {"batch": BATCH, "time": TIME, "feature": FEATURES}


def _is_one(size: Value) -> bool:
    return as_int(size) == 1


def _product(factors) -> Value:
    total: Value = number(1)
    for factor in factors:
        if not isinstance(factor.size, Poly) or not isinstance(total, Poly):
            return UNKNOWN
        total = total * factor.size
    return total


def regroup(axes: tuple, dims: list, equal: Callable[[Value, Value], bool]) -> tuple[tuple | None, Misread | None]:
    """Follow ``view(*dims)`` over the factors ``axes`` of the source.

    Returns the factors of the result (None when some target axis cannot be followed) and the
    first misread found: a target size that no run of factors starting at the next one makes,
    but that is exactly one later factor, named, while the factor skipped is not of size 1
    and differs from it. Sizes of 1 carry no data order and are left out.
    """
    flat = [factor for axis in axes for factor in axis if not _is_one(factor.size)]
    result: list = [None] * len(dims)
    front, misread = _walk(flat, list(enumerate(dims)), equal, result)
    if misread is not None:
        return None, replace(misread, kept=tuple(flat[:front]))
    back, misread = _walk(flat[front:][::-1], list(enumerate(dims))[::-1], equal, result, reverse=True)
    if misread is not None:
        return None, replace(misread, kept=tuple(flat[:front]) + tuple(flat[len(flat) - back:]))
    if any(item is None for item in result) or front + back != len(flat):
        return None, None
    return tuple(result), None


def _walk(flat: list, targets: list, equal, result: list, reverse: bool = False) -> tuple[int, Misread | None]:
    """Match target sizes in order to runs of ``flat``; stop at the first one not followed."""
    position = 0
    for axis, size in targets:
        if result[axis] is not None:
            break
        if _is_one(size):
            result[axis] = ()
            continue
        if not isinstance(size, Poly):
            break
        end = _run(flat, position, size, equal)
        if end is not None:
            run = flat[position:end]
            result[axis] = tuple(run[::-1] if reverse else run)
            position = end
            continue
        return position, _misread(flat, position, axis, size, equal)
    return position, None


def _run(flat: list, start: int, size: Value, equal) -> int | None:
    for end in range(start + 1, len(flat) + 1):
        total = _product(flat[start:end])
        if isinstance(total, Unknown):
            return None
        if equal(total, size):
            return end
    return None


def _misread(flat: list, position: int, axis: int, size: Value, equal) -> Misread | None:
    if position >= len(flat):
        return None
    skipped = flat[position]
    if not isinstance(skipped.size, Poly) or equal(skipped.size, size):
        return None
    later = [factor for factor in flat[position + 1:] if isinstance(factor.size, Poly) and equal(factor.size, size)]
    if len(later) != 1:
        return None
    wanted = later[0]
    if wanted.name is None and skipped.name is None:
        return None  # two opaque sizes: what they mean is not known
    return Misread(axis, wanted, skipped)


def permuted(axes: tuple | None, order: list) -> tuple | None:
    return None if axes is None else tuple(axes[index] for index in order)


def concatenated(axes: tuple, axis: int, count: int, rows: bool = False) -> tuple:
    """``torch.cat`` of ``count`` tensors whose factors are all ``axes``: the joined axis gets
    a leading ``parts`` factor (``state rows`` when the pieces are rows of one RNN's state,
    ``h_n[0]`` and ``h_n[1]``: layers or directions)."""
    joined = (Factor(STATE_ROWS if rows else PARTS, number(count)),) + tuple(axes[axis])
    return axes[:axis] + (joined,) + axes[axis + 1:]


def stacked(axes: tuple, axis: int, count: Value) -> tuple:
    return axes[:axis] + ((Factor(PARTS, count),),) + axes[axis:]


def merged(axes: tuple, start: int, end: int) -> tuple:
    """``flatten(start, end)``: the axes' factors joined in order."""
    joined = tuple(factor for axis in axes[start:end + 1] for factor in axis)
    return axes[:start] + (joined,) + axes[end + 1:]


def describe(factors: tuple) -> str:
    return " x ".join(factor.name or "?" for factor in factors) or "1"
