"""Abstract values the analysis tracks: tensors with symbolic shapes, layers, tuples.

Shapes of recurrent results come from ``rnnlint._shapes``; this module only lifts them
over guarded cases (``bidirectional`` may depend on a flag).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .. import _pytorch, _shapes
from ._symbolic import (
    EMPTY_GUARD,
    UNKNOWN,
    Alt,
    Bool,
    Const,
    Flag,
    Poly,
    Unknown,
    Value,
    cases,
    merge_guards,
    number,
)


class AxisOf(str):
    """The symbol for one axis of a tensor the code was given, ``x.shape[1]``: it reads as that
    text and knows which tensor (``key``) and which axis (``index``) it names."""

    key: str
    index: int  # type: ignore[assignment]  # the axis; str.index is not used on a symbol

    def __new__(cls, key: str, index: int, text: str | None = None) -> AxisOf:
        name = super().__new__(cls, text if text is not None else f"{key}.shape[{index}]")
        name.key, name.index = key, index
        return name

    def __reduce__(self) -> tuple:
        return AxisOf, (self.key, self.index, str(self))


def axis_symbol(key: str, index: int) -> Poly:
    """The size of axis ``index`` of the tensor named ``key``, as a symbol."""
    return Poly.atom(AxisOf(key, index))


_PACKED_INPUT = "packed input of "


def packed_batch(rnn_name: str) -> Poly:
    """The batch of a packed sequence whose batch the analysis does not know, as the RNN given
    it sees it: one symbol for every state of that RNN, read as ``batch of self.rnn's packed
    input`` (one text for each RNN: two RNNs' packed batches are two symbols)."""
    return Poly.atom(AxisOf(_PACKED_INPUT + rnn_name, 1, f"batch of {rnn_name}'s packed input"))


def is_packed_batch(size: Value) -> bool:
    """Whether ``size`` is the unknown batch of a packed sequence (``packed_batch``)."""
    symbol = axis_of(size)
    return symbol is not None and symbol.key.startswith(_PACKED_INPUT)


def axis_of(size: Value) -> AxisOf | None:
    """Which axis of a given tensor ``size`` is exactly (``x.shape[1]``, not a number or a sum)."""
    symbol = size.symbol if isinstance(size, Poly) else None
    return symbol if isinstance(symbol, AxisOf) else None


# Axis roles: what an axis of a tensor means.
BATCH, TIME, FEATURE, STATE = "batch", "time", "feature", "layers*directions"


@dataclass(frozen=True)
class Tensor(Value):
    """A tensor; ``shape`` None when its rank is not known (then its first axes, ``leading``,
    and its last one, ``feature``, may still be)."""

    shape: tuple | None = None
    roles: tuple | None = None
    feature: Value = UNKNOWN  # last axis, when the rank is unknown
    origin: str | None = None  # "output", "h_n" or "c_n": straight from a recurrent call
    rnn: Any = field(default=None, compare=False)  # the Layer that produced it
    key: str | None = None  # names the atoms of its unknown axes
    source: Any = field(default=None, compare=False)  # the call that created it (torch.zeros(...))
    # the first axes, in order, when the rank is unknown: each one the size of that axis where
    # the tensor has it (`x[t].unsqueeze(0)`: 1, then the second axis of `x`); UNKNOWN for one
    # not known, with known ones after it
    leading: tuple = ()
    # the key of the tensor this one is a keepdim reduction of (`x.mean(1, keepdim=True)`):
    # combined elementwise with that tensor, it gives that tensor's shape
    like: str | None = None
    # per axis, its ordered factors (`_axes.Factor`), or None for an axis known only by its size
    factors: tuple | None = field(default=None, compare=False, hash=False)
    # the RNN one row of whose state this is (`h_n[-1]`, `c_n[0]`): rows joined on another axis
    # keep a layers-or-directions factor there
    row_of: Any = field(default=None, compare=False, hash=False)
    # `torch.arange(n)`: the entries are the positions 0..n-1 of an axis of size n (kept only
    # through conversions such as `.to(device)` or `.long()`, which leave the values as they are)
    positions: Value | None = field(default=None, compare=False, hash=False)

    @property
    def lead(self) -> Value:
        """The first axis, when the rank is unknown (`x.unsqueeze(0)`)."""
        return self.leading[0] if self.leading else UNKNOWN

    @property
    def last_axis(self) -> Value:
        if self.shape:
            return self.shape[-1]
        return self.feature

    def role(self, axis: int) -> str | None:
        if self.roles is None or self.shape is None:
            return None
        if -len(self.roles) <= axis < len(self.roles):
            return self.roles[axis]
        return None

    def describe(self, names=None) -> str:
        if self.shape is None:
            first = "" if isinstance(self.lead, Unknown) else f"{self.lead.describe(names)}, "
            if isinstance(self.feature, Unknown):
                return f"({first}...)" if first else "tensor"
            return f"({first}..., {self.feature.describe(names)})"
        return "(" + ", ".join(dim.describe(names) for dim in self.shape) + ("," if len(self.shape) == 1 else "") + ")"


@dataclass(frozen=True)
class Packed(Value):
    """A PackedSequence: its data is flattened over time and batch."""

    feature: Value = UNKNOWN
    batch_first: Value = UNKNOWN  # the layout of the tensor that was packed
    batch: Value = UNKNOWN
    rnn: Any = field(default=None, compare=False)
    pack_node: Any = field(default=None, compare=False)

    def describe(self, names=None) -> str:
        return f"PackedSequence(features={self.feature.describe(names)})"


@dataclass(frozen=True)
class TupleValue(Value):
    items: tuple = ()
    origin: str | None = None  # "state" for an LSTM's (h_n, c_n); "result" for an RNN call
    rnn: Any = field(default=None, compare=False)

    def describe(self, names=None) -> str:
        return "(" + ", ".join(item.describe(names) for item in self.items) + ")"


@dataclass(frozen=True)
class ListValue(Value):
    """A Python list built up in a loop: ``item`` describes every element."""

    item: Value = UNKNOWN
    first: Value | None = None  # what the first iteration sees, when it differs (`zip(self.layers, ...)`)


@dataclass(frozen=True)
class Loader(Value):
    """``DataLoader(..., collate_fn=f)`` with ``f`` a function of the project: each batch it
    yields is what ``f`` returns (run once, on a batch of unknown samples), so a ``for`` over
    the loader binds the collate function's result."""

    batch: Value = UNKNOWN

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return "DataLoader"


@dataclass(frozen=True)
class TextField(Value):
    """``Field(...)`` of torchtext's legacy data API, sequential: ``tensor`` is the padded token
    ids each batch holds for it (named after the call, whose ``PadSequence`` fact states their
    layout), ``include_lengths`` whether a batch holds ``(tensor, lengths)`` instead."""

    tensor: Value = UNKNOWN
    include_lengths: Value = UNKNOWN

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return "Field"

    def batch_value(self) -> Value:
        """What ``batch.<name>`` holds for this field; unknown when ``include_lengths`` is."""
        include = self.include_lengths
        if not isinstance(include, Bool) or include.truth is None or isinstance(self.tensor, Unknown):
            return UNKNOWN
        return TupleValue((self.tensor, Tensor())) if include.truth else self.tensor


@dataclass(frozen=True)
class FieldSet(Value):
    """A torchtext dataset built with named fields (``fields``: ((name, field value), ...));
    ``batch``: a batch an iterator over it yields, whose attributes are the fields' tensors."""

    fields: tuple = ()
    batch: bool = False

    def describe(self, names=None) -> str:  # noqa: ARG002 - the signature of every value's describe
        return "Batch" if self.batch else "Dataset"

    def attribute(self, name: str) -> Value:
        """``batch.<name>``: the field's tensor; unknown for a dataset, or a name no field has."""
        found = [value for known, value in self.fields if known == name]
        if not self.batch or len(found) != 1 or not isinstance(found[0], TextField):
            return UNKNOWN
        return found[0].batch_value()


@dataclass(frozen=True)
class Splits(Value):
    """What a torchtext ``splits(...)`` returns when its count is not known (as many datasets or
    iterators as it was asked for): every item is ``item``, however many are unpacked."""

    item: Value = UNKNOWN


@dataclass(frozen=True)
class DictValue(Value):
    """A dict literal whose keys are all constants: ``{"lstm": nn.LSTM, "gru": nn.GRU}``."""

    items: tuple = ()  # ((key, Value), ...) in source order


@dataclass(frozen=True)
class ShapeValue(Value):
    """``x.shape`` / ``x.size()``: a tuple of dimensions."""

    dims: tuple = ()
    key: str | None = None  # for a tensor of unknown rank: its axes are `key.shape[i]`

    def axis(self, index: int) -> Value:
        if self.dims:
            return self.dims[index] if -len(self.dims) <= index < len(self.dims) else UNKNOWN
        if self.key is not None and index >= 0:
            return axis_symbol(self.key, index)
        return UNKNOWN


@dataclass(frozen=True)
class Ref(Value):
    """A reference to something imported, such as ``torch.nn`` or ``torch.cat``."""

    qualified: str = ""


@dataclass(frozen=True)
class Layer(Value):
    """An ``nn.Module`` built in the code: its kind and its bound constructor arguments."""

    kind: str = ""
    params: tuple = ()  # ((name, Value), ...)
    node: Any = field(default=None, compare=False, hash=False)
    name: str = ""  # the attribute it was first stored in, for messages
    items: tuple | None = None  # children of Sequential / ModuleList, when knowable
    element: Value = UNKNOWN  # every child of a ModuleList filled in a loop, when they agree
    first: Value | None = None  # its first child, when set `element` is every later one
    module_state: tuple = field(default=(), compare=False, hash=False)  # an in-file module's self attributes
    unknown_keywords: tuple = ()  # keywords the constructor does not accept
    opaque_arguments: bool = False  # *args / **kwargs were passed: unbound values are unknown
    module_class: str | None = None  # an in-file nn.Module subclass
    # a project module's construction: (args, ((name, Value), ...), module_state after __init__)
    built: tuple | None = field(default=None, compare=False, hash=False)

    def param(self, name: str) -> Value:
        for key, value in self.params:
            if key == name:
                return value
        return UNKNOWN

    def describe(self, names=None) -> str:
        shown = ", ".join(f"{key}={value.describe(names)}" for key, value in self.params)
        return f"{self.kind}({shown})"

    def with_name(self, name: str) -> Layer:
        return self if self.name else replace(self, name=name)


def alike(a: Value, b: Value) -> bool:
    """Whether two values are the same element of a list or a container: equal, and for project
    modules built with the same attributes (a module's equality leaves them out, so that one
    built twice alike compares equal; `Block(80, h)` and `Block(h, h)` are not alike)."""
    if a != b:
        return False
    if isinstance(a, Layer) and isinstance(b, Layer) and (a.module_class or b.module_class):
        return a.module_state == b.module_state
    return True


# what the analysis knows of torch.nn: the registry's lists
RNN_KINDS = _pytorch.RNN_KINDS
CELL_KINDS = _pytorch.CELL_KINDS
LAYER_PARAMETERS = _pytorch.LAYER_PARAMETERS
SHAPE_PRESERVING = _pytorch.SHAPE_PRESERVING
CONTAINERS = _pytorch.CONTAINERS


def python_value(literal: Any) -> Value:
    if isinstance(literal, bool):
        return Bool(literal)
    if isinstance(literal, (int, float)):
        return number(literal)
    return Const(literal)


# --- recurrent semantics lifted over cases -------------------------------------------------


def split_flag(value: Value, guard: frozenset) -> Iterator[tuple[frozenset, bool | None]]:
    """The cases of a boolean argument; a symbol splits into its two truth values."""
    for case_guard, case in cases(value, guard):
        if isinstance(case, Bool):
            if case.truth is not None:
                yield case_guard, case.truth
            elif case.atom is not None:
                yield from _split_atom(case.atom, case_guard)
            else:
                yield case_guard, None
        elif isinstance(case, Poly):
            constant = case.constant
            if constant is not None:
                yield case_guard, bool(constant)
            elif case.symbol is not None:
                yield from _split_atom(case.symbol, case_guard)
            else:
                yield case_guard, None
        elif isinstance(case, Const) and case.value is None:
            yield case_guard, False
        else:
            yield case_guard, None


def _split_atom(name: str, guard: frozenset) -> Iterator[tuple[frozenset, bool]]:
    for truth in (True, False):
        merged = merge_guards(guard, frozenset({(Flag(name), truth)}))
        if merged is not None:
            yield merged, truth


def rnn_configs(layer: Layer, guard: frozenset = EMPTY_GUARD) -> Iterator[tuple[frozenset, _shapes.RNNConfig]]:
    """Every configuration the recurrent ``layer`` may have, with the guard that selects it."""
    for g1, batch_first in split_flag(layer.param("batch_first"), guard):
        for g2, bidirectional in split_flag(layer.param("bidirectional"), g1):
            proj_cases = cases(layer.param("proj_size"), g2) if layer.kind == "LSTM" else [(g2, number(0))]
            for g3, proj_size in proj_cases:
                for g4, projected in _split_projection(proj_size, g3):
                    yield g4, _shapes.RNNConfig(
                        kind=layer.kind,
                        input_size=_size(layer.param("input_size")),
                        hidden_size=_size(layer.param("hidden_size")),
                        num_layers=_size(layer.param("num_layers")),
                        batch_first=batch_first,
                        bidirectional=bidirectional,
                        proj_size=_projection_as_int(proj_size) if projected is not False else 0,
                        dropout=layer.param("dropout"),
                        bias=layer.param("bias"),
                        nonlinearity=layer.param("nonlinearity"),
                        projected=projected,
                    )


def cell_configs(layer: Value, guard: frozenset = EMPTY_GUARD) -> Iterator[tuple[frozenset, _shapes.CellConfig]]:
    """Every configuration the recurrent cell ``layer`` may have, with the guard that selects it."""
    for layer_guard, case in cases(layer, guard):
        if not isinstance(case, Layer) or case.kind not in CELL_KINDS:
            continue
        for g1, input_size in cases(case.param("input_size"), layer_guard):
            for g2, hidden_size in cases(case.param("hidden_size"), g1):
                yield g2, _shapes.CellConfig(kind=case.kind, input_size=_size(input_size),
                                             hidden_size=_size(hidden_size))


def _split_projection(proj_size: Value, guard: frozenset) -> Iterator[tuple[frozenset, bool | None]]:
    """``proj_size=proj_size``: a size symbol is either positive (a projection) or 0 (none);
    the condition reads like ``if proj_size:``."""
    if isinstance(proj_size, Poly) and not proj_size.is_opaque and proj_size.symbol is not None:
        yield from _split_atom(proj_size.symbol, guard)
    else:
        yield guard, None


def _size(value: Value) -> Value:
    # a missing size (None) or a string is no dimension: _shapes multiplies what it is given
    return value if isinstance(value, (Poly, Alt, Unknown)) else UNKNOWN


def _projection_as_int(value: Value) -> Any:
    # _shapes decides "projected or not" from an int; a symbol stays symbolic (projection unknown)
    if isinstance(value, Poly) and value.constant is not None:
        return int(value.constant) if value.constant.denominator == 1 else value
    if isinstance(value, Const) and value.value is None:
        return 0
    return value


def dim(value: Any) -> Value:
    """A dimension coming back from ``_shapes``: a Value, or an int for literal defaults."""
    if value is None:
        return UNKNOWN
    if isinstance(value, Value):
        return value
    return number(value)
