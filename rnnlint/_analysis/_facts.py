"""The facts the analysis records for the rules: one frozen class per kind of fact.

A fact says what the code does at one node, on one path (its ``guard``). Rules read these
classes through ``rnnlint._analysis``; nothing here walks a tree or judges anything.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

from .._pytorch import CELL_KINDS, RNN_KINDS
from .._source import SourceLines, walk
from ._names import ImportTable
from ._symbolic import UNKNOWN, Const, Value, cases
from ._values import TIME, DictValue, Layer, ListValue, Packed, Tensor, TupleValue, axis_symbol

Guard = frozenset  # of (atom, truth) literals: the path a fact was recorded on
STEP = "step"  # the origin of what a recurrent cell returns: `h'` (or an LSTMCell's `c'`)


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
    """``x[mask]``, ``x[[0, 2]]``, ``x[torch.arange(n), t]``: advanced indexing by a tensor (or a
    list). ``value`` is the tensor when it is one; ``positions`` is ``n`` when it is
    ``torch.arange(n)``, the positions of an axis of that size."""

    value: Value | None = field(default=None, compare=False, hash=False)
    positions: Value | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class IndexKey:
    """``table["key"]``: a constant that is not a number."""

    value: Const


IndexItem = IndexInt | IndexSlice | IndexNone | IndexEllipsis | IndexTensor | IndexKey
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
        for value in vars(self).values():  # the fields, in order
            if isinstance(value, Value):
                yield value
            elif isinstance(value, tuple):
                yield from (item for item in value if isinstance(item, Value))


@dataclass(frozen=True, eq=False)
class RnnCall(Fact):
    """``self.rnn(input, hx)`` of an ``nn.RNN``/``LSTM``/``GRU``."""

    kind: ClassVar[str] = "rnn_call"
    node: ast.Call
    rnn: Layer  # the recurrent layer called
    input: Value
    hx: Value | None  # None when no initial state is passed
    hx_node: ast.expr | None
    input_node: ast.expr | None

    @property
    def argument(self) -> str | None:
        """The input's source text: what names the input's axes when nothing else does."""
        return ast.unparse(self.input_node) if self.input_node is not None else None


@dataclass(frozen=True, eq=False)
class CellCall(Fact):
    """``self.cell(input, hx)`` of an ``nn.RNNCell``/``LSTMCell``/``GRUCell``: one step. The
    call is also a ``LayerCall``; this fact names its input and state."""

    kind: ClassVar[str] = "cell_call"
    node: ast.Call
    cell: Value  # the cell called (a Layer, or alternatives of them)
    input: Value
    hx: Value | None  # None when no state is passed: the cell starts from zeros
    hx_node: ast.expr | None
    input_node: ast.expr | None
    result: Value  # what the step returns: `h'`, or `(h', c')` for an LSTMCell


@dataclass(frozen=True, eq=False)
class StepLoop(Fact):
    """``for t in range(bound)`` or ``range(0, bound)``: a loop whose variable counts steps.
    ``counter`` is the value the variable holds (an index item equal to it, or a slice starting at
    it, is a step of the axis it indexes); ``body`` the facts its first iteration recorded;
    ``calls`` the RNN calls its body makes on every pass the analysis kept (the second pass sees
    the state the first one carried over)."""

    kind: ClassVar[str] = "step_loop"
    node: ast.For
    bound: Value
    counter: Value
    body: tuple = ()
    calls: tuple = ()


@dataclass(frozen=True, eq=False)
class LayerCall(Fact):
    """A call of any other layer (a ``Linear``, a ``Sequential``, an in-file module...)."""

    kind: ClassVar[str] = "layer_call"
    node: ast.Call
    layer: Layer
    args: tuple[Value, ...]
    result: Value | None = None  # what the call returned (None for a module the analysis inlines)
    # made in a pass after the first of a loop around it: a cell's result among ``args`` may be an
    # earlier iteration's, which exists only if that iteration ran; in a first pass it is this one's
    later_pass: bool = False


@dataclass(frozen=True, eq=False)
class TensorSubscript(Fact):
    """``tensor[items]``."""

    kind: ClassVar[str] = "subscript"
    node: ast.Subscript
    tensor: Tensor
    items: tuple[IndexItem, ...]
    result: Value | None = None  # what the subscript gives (the same object wherever it goes)


@dataclass(frozen=True, eq=False)
class TupleSubscript(Fact):
    """``pair[items]`` of a tuple value (an RNN's result, an LSTM's ``(h_n, c_n)``)."""

    kind: ClassVar[str] = "subscript"
    node: ast.Subscript
    value: TupleValue
    items: tuple[IndexItem, ...]


@dataclass(frozen=True, eq=False)
class Reshape(Fact):
    """``tensor.view(*dims)`` / ``tensor.reshape(*dims)``."""

    kind: ClassVar[str] = "reshape"
    node: ast.Call
    tensor: Tensor
    dims: tuple[Value, ...]
    method: str


@dataclass(frozen=True, eq=False)
class Reduce(Fact):
    """``tensor.mean(axis)`` and the other reductions; ``axis`` None when none is given."""

    kind: ClassVar[str] = "reduce"
    node: ast.Call
    tensor: Tensor
    axis: Value | None
    method: str


@dataclass(frozen=True, eq=False)
class Unpack(Fact):
    """``a, b = value`` of a value an RNN produced; ``node`` is the target tuple."""

    kind: ClassVar[str] = "unpack"
    node: ast.Tuple | ast.List
    value: Value  # a Tensor or a TupleValue an RNN produced
    count: int


@dataclass(frozen=True, eq=False)
class Pack(Fact):
    """``pack_padded_sequence(input, lengths, batch_first)`` (or ``pack_sequence``)."""

    kind: ClassVar[str] = "pack"
    node: ast.Call
    input: Value
    batch_first: Value
    explicit: bool  # batch_first is written in the call
    lengths: Value = UNKNOWN  # one entry per sample: its length tells which axis is the batch


@dataclass(frozen=True, eq=False)
class Pad(Fact):
    """``pad_packed_sequence(packed, batch_first)``."""

    kind: ClassVar[str] = "pad"
    node: ast.Call
    packed: Value
    batch_first: Value
    explicit: bool


@dataclass(frozen=True, eq=False)
class PadSequence(Fact):
    """``pad_sequence(sequences, batch_first)``: its result is laid out ``(seq, batch, *)``, or
    ``(batch, seq, *)`` when ``batch_first`` is true; ``result`` is that very tensor (the same
    object wherever elementwise work takes it; a transpose or a view makes another). A torchtext
    ``Field(batch_first=...)`` states the same of the padded ids its batches hold (``node`` is
    the ``Field`` call, ``result`` what ``batch.<name>`` gives)."""

    kind: ClassVar[str] = "pad_sequence"
    node: ast.Call
    result: Value
    batch_first: Value
    explicit: bool


@dataclass(frozen=True, eq=False)
class Return(Fact):
    """``return value``; ``forward``: what the analysed module's forward hands its callers."""

    kind: ClassVar[str] = "return"
    node: ast.Return
    value: Value
    forward: bool


@dataclass(frozen=True, eq=False)
class TensorOp(Fact):
    """A tensor method or ``torch`` function applied to a value that may be an RNN's tuple, or a
    tensor attribute read on it (``hidden.shape``: ``node`` is the attribute)."""

    kind: ClassVar[str] = "tensor_op"
    node: ast.Call | ast.Attribute
    operand: Value
    op: str  # the method name, the qualified torch function, or the attribute


# --- provenance: who produced a value, and where it goes -----------------------------------------


@dataclass(frozen=True, eq=False)
class HeadCall:
    """A head (a ``Linear``, or a ``Sequential`` of such and shape-preserving layers) called on
    an RNN's ``h_n`` or ``c_n``: its result keeps the layers*directions axis. Compared by
    identity: each call gets its own."""

    layer: Layer  # the head called
    state: Tensor  # the h_n or c_n it was called on


# where a head's per-layer result goes
TO_RETURN = "return"  # what the analysed module's forward returns (alone or inside a tuple, list or dict)
TO_LOSS = "loss"  # a loss module
TO_CELL = "cell"  # a recurrent cell (which takes `(batch, features)`)
TO_STATE = "state"  # an RNN's initial state


@dataclass(frozen=True)
class HeadFlow:
    """The per-layer result of ``call``, unchanged but for elementwise operations (and squeezes
    of other axes), reaches ``sink`` (one of the ``TO_*`` above)."""

    call: HeadCall
    sink: str


@dataclass(frozen=True)
class RecurrentInput:
    """One way an RNN call is fed: one case of the recurrent layer called and one case of its
    input, under ``guard``."""

    call: RnnCall
    guard: Guard
    rnn: Layer
    value: Value

    @property
    def pack_node(self) -> ast.AST | None:
        """The ``pack_padded_sequence``/``pack_sequence`` call whose result feeds the RNN here;
        None for anything else (an RNN's own packed output included: its layout is its RNN's)."""
        value = self.value
        return value.pack_node if isinstance(value, Packed) and value.rnn is None else None


def recurrent_result(call: RnnCall) -> Value:
    """What an RNN call returns: ``(output, h_n)``, or ``(output, (h_n, c_n))`` for an LSTM,
    over every configuration of the layer (the shapes come from ``_shapes``)."""
    from ._tensor_ops import call_rnn

    return call_rnn(call.rnn, call.input, call.guard, call.argument)


def inputs_of(call: RnnCall) -> Iterator[RecurrentInput]:
    """Every (recurrent layer, input) case of one RNN call: the pack -> RNN edges among them."""
    for guard, rnn in cases(call.rnn, call.guard):
        if isinstance(rnn, Layer) and rnn.kind in RNN_KINDS:
            for input_guard, value in cases(call.input, guard):
                yield RecurrentInput(call, input_guard, rnn, value)


FACT_KINDS: tuple[type[Fact], ...] = (
    RnnCall, CellCall, StepLoop, LayerCall,
    TensorSubscript, TupleSubscript, Reshape, Reduce, Unpack, Pack, Pad, PadSequence, Return, TensorOp,
)


# --- what one file's analysis returns -------------------------------------------------------------


F = TypeVar("F", bound=Fact)


@dataclass
class ScopeFacts:
    """Facts for one class (its ``__init__`` and ``forward``) or one function."""

    name: str
    kind: str  # "class" or "function" or "module", or "caller" (another file's run of this file's code)
    node: ast.AST
    layers: list = field(default_factory=list)  # every layer constructed, with its attribute name
    attributes: dict = field(default_factory=dict)  # self attributes after __init__
    events: list[Fact] = field(default_factory=list)
    shape_notes: list = field(default_factory=list)
    aliases: dict = field(default_factory=dict)  # atom -> display name (batch, seq)
    bound_names: dict = field(default_factory=dict)  # id(expression) -> names assigned it
    # id(tensor) -> (tensor, the head call it is the per-layer result of)
    head_calls: dict = field(default_factory=dict)
    # top-level parameters with a number as default (`dropout=0.2`): name -> that number; the
    # parameter itself is a symbol of that name, since a caller may pass anything else
    parameter_defaults: dict = field(default_factory=dict)
    # a class run on one construction site's arguments (a `Configuration`); None for the symbolic run
    configuration: Any = None
    guard: frozenset = frozenset()  # what every fact of the scope holds under (the site's `Built`)
    # the symbolic run of a class whose every construction is a site of its own file: a finding
    # of it stands only where the class's configurations give the same rule the same place
    # (``FileFacts.closed_view``), so that it keeps its symbolic message and fix
    confirmed_only: bool = False
    # ids of the events a run of an entry method (``generate``, ``inference``: called from
    # outside, on arguments no call in view binds) recorded: such a method is often given one
    # sample made a batch of one, so a finding that holds only for several samples rests on
    # nothing there
    entry_events: frozenset = frozenset()


@dataclass
class FileFacts:
    """Everything the analysis found in one file: what each scope does, in recorded order."""

    module: ast.Module
    imports: ImportTable
    scopes: list
    lines: SourceLines  # positions and original text of the analysed source
    # the project files read for their summaries ({path: digest}), and the ids of their nodes:
    # a fact recorded at another file's node is no finding of this file
    depends: dict = field(default_factory=dict)
    # the search for the construction sites of the file's classes in other files
    # (``Project.site_record``): a file added to the project may build one of them
    site_search: dict | None = None
    foreign_trees: tuple = ()
    _foreign_nodes: set | None = field(default=None, repr=False)
    _own_nodes: set | None = field(default=None, repr=False)
    _entry_events: frozenset | None = field(default=None, repr=False)
    _head_flows: list | None = field(default=None, repr=False)
    _paddings: list | None = field(default=None, repr=False)

    @property
    def events(self) -> Iterator[tuple[ScopeFacts, Fact]]:
        for scope in self.scopes:
            for event in scope.events:
                yield scope, event

    def of(self, *kinds: type[F]) -> Iterator[tuple[ScopeFacts, F]]:
        """``(scope, fact)`` for every fact of the given classes, in the order recorded."""
        for scope in self.scopes:
            for event in scope.events:
                if isinstance(event, kinds):
                    yield scope, event

    def closed_view(self) -> FileFacts | None:
        """The facts without the symbolic runs kept only to be confirmed (``confirmed_only``):
        what the file's closed classes are as their sites build them; None when there is none."""
        if not any(scope.confirmed_only for scope in self.scopes):
            return None
        return replace(self, scopes=[scope for scope in self.scopes if not scope.confirmed_only],
                       _foreign_nodes=None, _head_flows=None, _paddings=None, _entry_events=None)

    def from_entry(self, event: Fact) -> bool:
        """Whether ``event`` was recorded by a run of an entry method (``ScopeFacts.entry_events``)."""
        if self._entry_events is None:
            self._entry_events = frozenset().union(*(scope.entry_events for scope in self.scopes))
        return id(event) in self._entry_events

    def is_foreign(self, node: ast.AST) -> bool:
        """Whether ``node`` is another file's (a base class or helper imported from the project)."""
        if not self.foreign_trees:
            return False
        if self._own_nodes is None:
            # the file's own nodes are asked about first: a walk of this file, not of every tree
            # the run read (a project's summaries: many times the file)
            self._own_nodes = set() if any(tree is self.module for tree in self.foreign_trees) \
                else {id(child) for child in walk(self.module)}
        if id(node) in self._own_nodes:
            return False
        if self._foreign_nodes is None:
            self._foreign_nodes = {id(child) for tree in self.foreign_trees if tree is not None
                                   for child in walk(tree)}
        return id(node) in self._foreign_nodes

    def names_bound(self, node: ast.AST) -> tuple[str, ...]:
        """The names a plain assignment binds the expression ``node`` to."""
        for scope in self.scopes:
            names = scope.bound_names.get(id(node))
            if names:
                return names
        return ()

    def cell_call_of(self, tensor: Value) -> CellCall | None:
        """The cell step whose result ``tensor`` is (its ``h'`` or ``c'``, unchanged); None otherwise."""
        source = tensor.source if isinstance(tensor, Tensor) and tensor.origin == STEP else None
        if source is None:
            return None
        return next((event for _, event in self.of(CellCall) if event.node is source), None)

    def padding_of(self, tensor: Value) -> tuple[PadSequence | None, bool]:
        """The ``pad_sequence`` call whose result ``tensor`` is, or whose first two axes it has
        (an embedding of the padded token ids keeps them), and whether in swapped order (a
        ``permute``): ``(None, False)`` when its first two axes are no padding's."""
        if not isinstance(tensor, Tensor):
            return None, False
        if self._paddings is None:
            self._paddings = [event for _, event in self.of(PadSequence)]
        pads = self._paddings
        same = next((pad for pad in pads if pad.result is tensor), None)
        if same is not None:
            return same, False
        if tensor.shape is not None:
            if len(tensor.shape) < 3:
                return None, False
            first, second = tensor.shape[0], tensor.shape[1]
        elif tensor.key is None or tensor.leading:
            return None, False
        else:
            first, second = axis_symbol(tensor.key, 0), axis_symbol(tensor.key, 1)
        found = []
        for pad in pads:
            key = pad.result.key if isinstance(pad.result, Tensor) else None
            if key is None:
                continue
            axes = (axis_symbol(key, 0), axis_symbol(key, 1))
            if (first, second) in (axes, axes[::-1]):
                found.append((pad, (first, second) != axes))
        # one call run in several places with the same layout pads alike; runs that disagree
        # leave the tensor's layout unknown
        if len({(pad.batch_first, flipped) for pad, flipped in found}) > 1:
            return None, False
        return found[0] if found else (None, False)

    def head_call_of(self, tensor: Value) -> HeadCall | None:
        """The head call on an RNN's state whose per-layer result ``tensor`` is (``self.fc(h_n)``,
        and what elementwise operations, a further ``Linear`` or a squeeze of another axis make
        of it); None for any other value."""
        for scope in self.scopes:
            entry = scope.head_calls.get(id(tensor))
            if entry is not None and entry[0] is tensor:
                return entry[1]
        return None

    def head_flows(self) -> list[HeadFlow]:
        """Where the per-layer results of head calls go: forward's return, a loss module, a
        recurrent cell, an RNN's initial state. Computed once, on first use."""
        if self._head_flows is None:
            self._head_flows = list(_head_flows(self))
        return self._head_flows

    def rnns_whose_output_is_used(self) -> set[ast.AST]:
        """The RNNs (by the call that built them) whose output, or a tensor computed from it,
        takes part in some fact of the file; what a helper returns counts where it is used."""
        seen: set[ast.AST] = set()
        for _, event in self.events:
            if isinstance(event, Return) and not event.forward:
                continue  # a helper's return: what its caller does with the value is a fact of its own
            for value in event.values():
                seen.update(rnns_of_outputs(value))
        return seen

    @property
    def layers(self):
        seen = set()
        for scope in self.scopes:
            for layer in scope.layers:
                if id(layer.node) not in seen:
                    seen.add(id(layer.node))
                    yield scope, layer


def _head_flows(facts: FileFacts) -> Iterator[HeadFlow]:
    for _, event in facts.events:
        if isinstance(event, Return) and event.forward:
            sinks = [(TO_RETURN, event.value)]
        elif isinstance(event, LayerCall):
            # a loss or a cell takes one row per sample: `(batch, features)`
            sink = next((TO_LOSS if called.kind.endswith("Loss") else TO_CELL
                         for _, called in cases(event.layer, event.guard)
                         if isinstance(called, Layer) and (called.kind.endswith("Loss") or called.kind in CELL_KINDS)),
                        None)
            sinks = [(sink, value) for value in event.args] if sink is not None else []
        elif isinstance(event, RnnCall) and event.hx is not None:
            sinks = [(TO_STATE, event.hx)]
        else:
            continue
        for sink, value in sinks:
            for tensor in tensors_within(value):
                call = facts.head_call_of(tensor)
                if call is not None:
                    yield HeadFlow(call, sink)


def tensors_within(value: Value | None, depth: int = 0) -> Iterator[Tensor]:
    """The tensors ``value`` holds, in every case, inside tuples, lists and dicts."""
    if value is None or depth > 4:
        return
    for _, case in cases(value):
        if isinstance(case, Tensor):
            yield case
        elif isinstance(case, (TupleValue, DictValue)):
            for item in case.items:
                yield from tensors_within(item[1] if isinstance(case, DictValue) else item, depth + 1)
        elif isinstance(case, ListValue):
            for item in (case.item, case.first):
                if item is not None:
                    yield from tensors_within(item, depth + 1)


def rnns_of_outputs(value: Value) -> set[ast.AST]:
    """The RNNs (by the call that built them) whose output ``value`` holds or was computed from;
    an RNN call's whole result tuple does not count: its unpacking is a fact of its own."""
    found: set[ast.AST] = set()
    for _, case in cases(value):
        if isinstance(case, Tensor) and case.rnn is not None and from_output(case):
            found.add(case.rnn.node)
        elif isinstance(case, Packed) and case.rnn is not None:
            found.add(case.rnn.node)  # only a recurrent call gives a PackedSequence an RNN
        elif isinstance(case, TupleValue) and case.origin != "result":
            found.update(*map(rnns_of_outputs, case.items))
        elif isinstance(case, ListValue):
            found.update(rnns_of_outputs(case.item))
    return found


def from_output(tensor: Tensor) -> bool:
    """Whether an RNN's tensor was computed from its output: a state has no time axis."""
    return tensor.origin == "output" or (tensor.origin is None and tensor.roles is not None and TIME in tensor.roles)
