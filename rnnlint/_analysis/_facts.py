"""The facts the analysis records for the rules: one frozen class per kind of fact.

A fact says what the code does at one node, on one path (its ``guard``). Rules read these
classes through ``rnnlint._analysis``; nothing here walks a tree or judges anything.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, fields
from typing import ClassVar, Iterator, TypeVar, Union

from .._source import SourceLines
from ._names import ImportTable
from ._symbolic import Const, Value

Guard = frozenset  # of (atom, truth) literals: the path a fact was recorded on


# --- index items: one per element of `x[...]` ---------------------------------------------------


@dataclass(frozen=True)
class IndexInt:
    """``x[i]``: an integer index (``value`` unknown when it is not a number)."""

    value: Value


@dataclass(frozen=True)
class IndexSlice:
    """``x[lower:upper:step]``; a bound left out is None."""

    lower: Value | None = None
    upper: Value | None = None
    step: Value | None = None

    @property
    def whole(self) -> bool:
        """``x[:]``: every entry of the axis."""
        return self.lower is None and self.upper is None and self.step is None


@dataclass(frozen=True)
class IndexNone:
    """``x[None]``: a new axis of size 1."""


@dataclass(frozen=True)
class IndexEllipsis:
    """``x[...]``: as many whole axes as the other items leave."""


@dataclass(frozen=True)
class IndexTensor:
    """``x[mask]``, ``x[[0, 2]]``: advanced indexing, whose shape the analysis does not follow."""


@dataclass(frozen=True)
class IndexKey:
    """``table["key"]``: a constant that is not a number."""

    value: Const


IndexItem = Union[IndexInt, IndexSlice, IndexNone, IndexEllipsis, IndexTensor, IndexKey]
WHOLE_SLICE = IndexSlice()


def takes_axis(item: IndexItem) -> bool:
    """Whether an index item consumes an axis of the indexed tensor."""
    return isinstance(item, (IndexInt, IndexSlice))


# --- facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Fact:
    """Something the code does that a rule may judge; compared by identity (each run of a piece
    of code records its own)."""

    kind: ClassVar[str]
    node: ast.AST
    guard: Guard

    def values(self) -> Iterator[Value]:
        """The abstract values this fact involves (its operands, arguments and results)."""
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Value):
                yield value
            elif isinstance(value, tuple):
                yield from (item for item in value if isinstance(item, Value))


@dataclass(frozen=True, eq=False)
class RnnCall(Fact):
    """``self.rnn(input, hx)`` of an ``nn.RNN``/``LSTM``/``GRU``."""

    kind: ClassVar[str] = "rnn_call"
    rnn: Value  # the layer (or alternatives of layers) called
    input: Value
    hx: Value | None  # None when no initial state is passed
    hx_node: ast.expr | None
    input_node: ast.expr | None


@dataclass(frozen=True, eq=False)
class LayerCall(Fact):
    """A call of any other layer (a ``Linear``, a ``Sequential``, an in-file module...)."""

    kind: ClassVar[str] = "layer_call"
    layer: Value
    args: tuple[Value, ...]


@dataclass(frozen=True, eq=False)
class TensorSubscript(Fact):
    """``tensor[items]``."""

    kind: ClassVar[str] = "subscript"
    tensor: Value  # a Tensor
    items: tuple[IndexItem, ...]


@dataclass(frozen=True, eq=False)
class TupleSubscript(Fact):
    """``pair[items]`` of a tuple value (an RNN's result, an LSTM's ``(h_n, c_n)``)."""

    kind: ClassVar[str] = "subscript"
    value: Value  # a TupleValue
    items: tuple[IndexItem, ...]


@dataclass(frozen=True, eq=False)
class Reshape(Fact):
    """``tensor.view(*dims)`` / ``tensor.reshape(*dims)``."""

    kind: ClassVar[str] = "reshape"
    tensor: Value
    dims: tuple[Value, ...]
    method: str


@dataclass(frozen=True, eq=False)
class Reduce(Fact):
    """``tensor.mean(axis)`` and the other reductions; ``axis`` None when none is given."""

    kind: ClassVar[str] = "reduce"
    tensor: Value
    axis: Value | None
    method: str


@dataclass(frozen=True, eq=False)
class Unpack(Fact):
    """``a, b = value`` of a value an RNN produced; ``node`` is the target tuple."""

    kind: ClassVar[str] = "unpack"
    value: Value
    count: int


@dataclass(frozen=True, eq=False)
class Pack(Fact):
    """``pack_padded_sequence(input, lengths, batch_first)`` (or ``pack_sequence``)."""

    kind: ClassVar[str] = "pack"
    input: Value
    batch_first: Value
    explicit: bool  # batch_first is written in the call


@dataclass(frozen=True, eq=False)
class Pad(Fact):
    """``pad_packed_sequence(packed, batch_first)``."""

    kind: ClassVar[str] = "pad"
    packed: Value
    batch_first: Value
    explicit: bool


@dataclass(frozen=True, eq=False)
class Return(Fact):
    """``return value``; ``forward``: what the analysed module's forward hands its callers."""

    kind: ClassVar[str] = "return"
    value: Value
    forward: bool


@dataclass(frozen=True, eq=False)
class TensorOp(Fact):
    """A tensor method or ``torch`` function applied to a value that may be an RNN's tuple."""

    kind: ClassVar[str] = "tensor_op"
    operand: Value
    op: str  # the method name, or the qualified torch function


FACT_KINDS: tuple[type[Fact], ...] = (
    RnnCall, LayerCall, TensorSubscript, TupleSubscript, Reshape, Reduce, Unpack, Pack, Pad, Return, TensorOp,
)


# --- what one file's analysis returns -------------------------------------------------------------


F = TypeVar("F", bound=Fact)


@dataclass
class ScopeFacts:
    """Facts for one class (its ``__init__`` and ``forward``) or one function."""

    name: str
    kind: str  # "class" or "function" or "module"
    node: ast.AST
    layers: list = field(default_factory=list)  # every layer constructed, with its attribute name
    attributes: dict = field(default_factory=dict)  # self attributes after __init__
    events: list[Fact] = field(default_factory=list)
    shape_notes: list = field(default_factory=list)
    aliases: dict = field(default_factory=dict)  # atom -> display name (batch, seq)
    bound_names: dict = field(default_factory=dict)  # id(expression) -> names assigned it


@dataclass
class FileFacts:
    module: ast.Module
    imports: ImportTable
    scopes: list
    lines: SourceLines  # positions and original text of the analysed source

    @property
    def events(self):
        for scope in self.scopes:
            for event in scope.events:
                yield scope, event

    def of(self, *kinds: type[F]) -> Iterator[tuple[ScopeFacts, F]]:
        """``(scope, fact)`` for every fact of the given classes, in the order recorded."""
        for scope in self.scopes:
            for event in scope.events:
                if isinstance(event, kinds):
                    yield scope, event

    def names_bound(self, node: ast.AST) -> tuple[str, ...]:
        """The names a plain assignment binds the expression ``node`` to."""
        for scope in self.scopes:
            names = scope.bound_names.get(id(node))
            if names:
                return names
        return ()

    @property
    def layers(self):
        seen = set()
        for scope in self.scopes:
            for layer in scope.layers:
                if id(layer.node) not in seen:
                    seen.add(id(layer.node))
                    yield scope, layer
