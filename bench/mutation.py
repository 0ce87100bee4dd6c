"""Mutation benchmark: inject classic recurrent-network bugs into the clean corpus, keep the
mutants that real torch shows to misbehave, and count which ones rnnlint reports.

    .venv/bin/python bench/mutation.py [--json OUT] [--corpus DIR] [--match TEXT] [--list]
    .venv/bin/python bench/mutation.py --show FILE:OPERATOR:SITE

Needs torch, libcst and rnnlint. Nothing is cached between runs; mutants live in a temporary folder.
How sites are chosen, confirmed and classified: bench/README.md, "Mutation benchmark".
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import json
import random
import signal
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

REPO = Path(__file__).resolve().parents[1]
CLEAN_CORPUS = REPO / "tests" / "corpus" / "clean"
# every code an operator below is tied to; a test checks each gets enough confirmed mutants
RULE_CODES = ("RNN001", "RNN002", "RNN003", "RNN004", "RNN005", "RNN006", "RNN007", "RNN008",
              "RNN009", "RNN010", "RNN011")
RUN_TIMEOUT_S = 20
EVAL_SEED, TRAIN_SEED = 1234, 4321


# --------------------------------------------------------------------------------------
# Source facts: the parsed corpus file, positions, parents, small syntax helpers.
# --------------------------------------------------------------------------------------


class _Collect(cst.CSTVisitor):
    def __init__(self):
        self.nodes = []

    def on_visit(self, node):
        self.nodes.append(node)
        return True


class SourceFacts:
    """One corpus file parsed once; nodes keep their identity so one can be replaced."""

    def __init__(self, source: str):
        self.source = source
        self.module = cst.parse_module(source)
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        collect = _Collect()
        self.module.visit(collect)
        self.nodes = [node for node in collect.nodes if not self._in_build(node)]

    def end(self, node) -> tuple:
        position = self.positions[node]
        return (position.end.line, position.end.column)

    def line(self, node) -> int:
        return self.positions[node].start.line

    def function_of(self, node):
        while node is not None and not isinstance(node, cst.FunctionDef):
            node = self.parents.get(node)
        return node

    def _in_build(self, node) -> bool:
        # build() is the harness: its sizes and seeds are never mutated
        while node is not None:
            if isinstance(node, cst.FunctionDef) and node.name.value == "build":
                return True
            node = self.parents.get(node)
        return False

    def of_type(self, kind) -> list:
        return [node for node in self.nodes if isinstance(node, kind)]

    def calls(self, *tails: str) -> list:
        return [node for node in self.of_type(cst.Call) if call_tail(node) in tails]

    def within(self, root, kind) -> list:
        collect = _Collect()
        root.visit(collect)
        return [node for node in collect.nodes if isinstance(node, kind)]

    def name_uses(self, scope, name: str) -> int:
        return sum(1 for node in self.within(scope, cst.Name) if node.value == name)

    def assignments(self, scope, name: str) -> list:
        """Values assigned to a plain `name` inside `scope` (a function, or the module's top level)."""
        values = []
        for node in self.within(scope, cst.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) \
                    and node.targets[0].target.value == name \
                    and (not isinstance(scope, cst.Module) or self.function_of(node) is None):
                values.append(node.value)
        return values

    def code(self, node) -> str:
        return self.module.code_for_node(node)


def call_tail(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


def positional(call: cst.Call, index: int):
    plain = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return plain[index] if index < len(plain) else None


def keyword(call: cst.Call, name: str):
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def int_value(expr):
    if isinstance(expr, cst.Integer):
        return int(expr.value)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus) \
            and isinstance(expr.expression, cst.Integer):
        return -int(expr.expression.value)
    return None


def is_true(expr) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def last_identifier(expr) -> str:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


def expr(text: str):
    return cst.parse_expression(text)


def without_arg(call: cst.Call, target) -> cst.Call:
    args = [arg for arg in call.args if arg is not target]
    if args and call.args[-1] is target:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def with_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    args = list(call.args)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(cst.Arg(keyword=cst.Name(name), value=expr(value),
                        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                              whitespace_after=cst.SimpleWhitespace(""))))
    return call.with_changes(args=args)


def is_directions_factor(node) -> bool:
    """`2`, `num_directions`-like names, or `(2 if bidirectional else 1)`."""
    if int_value(node) == 2:
        return True
    name = last_identifier(node).lower()
    if "direction" in name or name == "factor":
        return True
    return isinstance(node, cst.IfExp) and int_value(node.body) == 2 and int_value(node.orelse) == 1


def drop_directions(facts: SourceFacts, root) -> Iterator[tuple]:
    """(old, new) for every `a * factor` / `factor * a` under `root`, with the factor gone."""
    for node in facts.within(root, cst.BinaryOperation):
        if not isinstance(node.operator, cst.Multiply):
            continue
        if is_directions_factor(node.right):
            keep = node.left
        elif is_directions_factor(node.left):
            keep = node.right
        else:
            continue
        if node.lpar:
            keep = keep.with_changes(lpar=[*node.lpar, *keep.lpar], rpar=[*keep.rpar, *node.rpar])
        yield node, keep


def followed(facts: SourceFacts, value, at) -> list:
    """`value` itself, plus what a plain local name was assigned in the same function."""
    roots = [value]
    if isinstance(value, cst.Name):
        scope = facts.function_of(at)
        if scope is not None:
            roots.extend(facts.assignments(scope, value.value))
    return roots


def is_pure(node) -> bool:
    """An expression that can be written twice without running anything twice."""
    if isinstance(node, (cst.Name, cst.Integer)):
        return True
    if isinstance(node, cst.Attribute):
        return is_pure(node.value)
    if isinstance(node, cst.Subscript):
        return is_pure(node.value) and all(
            isinstance(element.slice, cst.Index) and int_value(element.slice.value) is not None
            for element in node.slice)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and not node.args:
        return node.func.attr.value == "contiguous" and is_pure(node.func.value)
    return False


# --------------------------------------------------------------------------------------
# The trace: what the original model did at run time, tied to source positions.
# --------------------------------------------------------------------------------------

PACKED = "packed"
SELECTIONS = ("__getitem__",)
REDUCTIONS = ("mean", "sum", "max", "min", "amax", "amin", "logsumexp", "nanmean")
PACKING = ("_pack_padded_sequence", "_pad_packed_sequence")
RNN_KINDS = ("output", "h_n", "c_n")
# learned layers: what leaves them is their own features ("layer"), no longer an RNN's
CUT_MODULES = ("Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "Embedding", "LSTMCell", "GRUCell",
               "RNNCell", "MultiheadAttention")


@dataclass(frozen=True)
class Prov:
    """Where a tensor's data comes from: an RNN's `output`, `h_n` or `c_n`, or a learned `layer`.

    `rnn` is the module it came from; `axes` names each axis while the layout is known, else None.
    """

    kind: str
    rnn: object
    axes: tuple | str | None


def from_rnn(prov) -> bool:
    return prov is not None and prov.kind in RNN_KINDS


@dataclass
class Event:
    kind: str            # "op", "linear", "rnn", "built"
    name: str            # op name or module class
    end: tuple           # (line, column) where the innermost corpus expression ends
    stack: tuple = ()    # ends of every corpus expression on the stack, innermost first
    prov: Prov | None = None
    shape: tuple = ()
    args: tuple = ()
    module: object = None
    lineage: frozenset = frozenset()
    hx: str | None = None
    hx_lineage: tuple = ()
    packed: bool = False


@dataclass
class Trace:
    events: list = field(default_factory=list)
    executed: set = field(default_factory=set)
    _index: dict | None = field(default=None, repr=False)

    def _by(self) -> dict:
        if self._index is None:
            self._index = defaultdict(list)
            for event in self.events:
                self._index[event.kind, event.end].append(event)
                self._index[event.kind].append(event)
        return self._index

    def at(self, end: tuple, kind: str = "op") -> list:
        return self._by().get((kind, end), [])

    def built(self, end: tuple):
        found = self.at(end, "built")
        return found[-1].module if found else None

    def of(self, kind: str) -> list:
        return self._by().get(kind, [])

    def calls_of(self, module) -> list:
        return [event for event in self.of("rnn") + self.of("linear") if event.module is module]

    def time_uses(self, module) -> list:
        """Selections of one time step and reductions over time made on an RNN's output."""
        return [event for event in self.of("op") if event.prov is not None and event.prov.rnn is module
                and event.prov.kind == "output" and selects_time(event)]


def selects_time(event) -> bool:
    axes = event.prov.axes if event.prov is not None else None
    if not isinstance(axes, tuple) or "time" not in axes:
        return False
    time_axis = axes.index("time")
    if event.name in REDUCTIONS:
        return event.args[:1] == (time_axis,) or (event.args[:1] == (time_axis - len(axes),))
    if event.name in SELECTIONS and event.args:
        index = event.args[0] if isinstance(event.args[0], tuple) else (event.args[0],)
        return len(index) > time_axis and isinstance(index[time_axis], int) and all(
            isinstance(part, slice) and part == slice(None) for part in index[:time_axis])
    return False


def _leaves(value) -> Iterator:
    if isinstance(value, (tuple, list)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


@functools.lru_cache(maxsize=None)
def _recorder_class():
    import torch
    from torch.overrides import TorchFunctionMode

    class Recorder(TorchFunctionMode):
        """Follows RNN data through every torch call and notes where the corpus code touched it."""

        def __init__(self, path: str):
            super().__init__()
            self.path = path
            self.trace = Trace()
            self.meta = {}          # id(tensor) -> (tensor, Prov | None, lineage)
            self._tables = {}

        # positions ------------------------------------------------------------------
        def stack(self, frame) -> tuple:
            ends = []
            while frame is not None:
                if frame.f_code.co_filename == self.path:
                    end = self._end(frame)
                    if end is not None:
                        ends.append(end)
                frame = frame.f_back
            return tuple(ends)

        def _end(self, frame):
            code = frame.f_code
            table = self._tables.get(code)
            if table is None:
                table = self._tables[code] = list(code.co_positions())
            index = frame.f_lasti // 2
            if index >= len(table) or table[index][1] is None or table[index][3] is None:
                return None
            return (table[index][1], table[index][3])

        # tensor facts ---------------------------------------------------------------
        def lookup(self, tensor):
            entry = self.meta.get(id(tensor))
            if entry is None or entry[0] is not tensor:
                return None, frozenset()
            return entry[1], entry[2]

        def remember(self, tensor, prov, lineage):
            self.meta[id(tensor)] = (tensor, prov, lineage)

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            result = func(*args, **kwargs)
            caller = sys._getframe(1)
            stack = self.stack(caller)
            if stack:
                self.trace.executed.add(stack[0])
            outputs = [leaf for leaf in _leaves(result) if isinstance(leaf, torch.Tensor)]
            if not outputs:
                return result
            name = getattr(func, "__name__", "")
            inputs = [leaf for leaf in _leaves((args, kwargs)) if isinstance(leaf, torch.Tensor)]
            receiver = args[0] if args and isinstance(args[0], torch.Tensor) else None
            found = [(tensor, *self.lookup(tensor)) for tensor in inputs]
            lineage = frozenset(stack).union(*(seen for _, _, seen in found))
            # the operand that carries RNN data is the one followed; then any other known one
            ranked = [item for item in found if from_rnn(item[1])] + [item for item in found if item[1]]
            subject, subject_prov = (ranked[0][0], ranked[0][1]) if ranked else (receiver, None)
            if name in ("cat", "concat", "concatenate", "stack") and any(item[1] is None for item in found):
                subject_prov = None  # features from outside the model's layers join in: unknown
            if stack and (caller.f_code.co_filename == self.path or name in PACKING):
                # an event describes the tensor the op is called on (`out` in `out[:, -1]`)
                own = self.lookup(receiver)[0] if receiver is not None else subject_prov
                shaped = receiver if receiver is not None else subject
                self.trace.events.append(Event(
                    "op", name, stack[0], stack, own, tuple(shaped.shape) if shaped is not None else (),
                    _summary(name, args, kwargs), lineage=lineage))
            for tensor in outputs:
                self.remember(tensor, _propagate(name, subject_prov, subject, tensor, args, kwargs), lineage)
            return result

        # module hooks ---------------------------------------------------------------
        def attach(self, model):
            for module in model.modules():
                kind = type(module).__name__
                if isinstance(module, torch.nn.RNNBase):
                    module.register_forward_pre_hook(self._rnn_in, with_kwargs=True)
                    module.register_forward_hook(self._rnn_out)
                elif isinstance(module, torch.nn.Linear):
                    module.register_forward_pre_hook(self._linear_in)
                if kind in CUT_MODULES or isinstance(module, torch.nn.RNNCellBase):
                    module.register_forward_hook(self._cut)

        def _rnn_in(self, module, args, kwargs):
            stack = self.stack(sys._getframe(1))
            data = args[0] if args else kwargs.get("input")
            hx = args[1] if len(args) > 1 else kwargs.get("hx")
            packed = isinstance(data, torch.nn.utils.rnn.PackedSequence)
            hx_kind = None if hx is None else ("tensor" if isinstance(hx, torch.Tensor) else "tuple")
            hx_lineage = tuple(self.lookup(t)[1] for t in _leaves(hx) if isinstance(t, torch.Tensor))
            features = data.data if packed else data
            input_prov, input_lineage = self.lookup(features)
            self.trace.events.append(Event("rnn", type(module).__name__, stack[0] if stack else (),
                                           stack, input_prov, tuple(features.shape), module=module, hx=hx_kind,
                                           hx_lineage=hx_lineage, lineage=input_lineage, packed=packed))

        def _rnn_out(self, module, args, output):
            # what an RNN returns starts a new history: the RNN call itself
            lineage = frozenset(self.stack(sys._getframe(1)))
            out, hx = output
            layout = ("batch", "time", "feature") if module.batch_first else ("time", "batch", "feature")
            if isinstance(out, torch.nn.utils.rnn.PackedSequence):
                self.remember(out.data, Prov("output", module, PACKED), lineage)
            else:
                self.remember(out, Prov("output", module, layout if out.dim() == 3 else None), lineage)
            states = hx if isinstance(hx, tuple) else (hx,)
            for kind, state in zip(("h_n", "c_n"), states):
                axes = ("layer", "batch", "feature") if state.dim() == 3 else None
                self.remember(state, Prov(kind, module, axes), lineage)

        def _linear_in(self, module, args):
            stack = self.stack(sys._getframe(1))
            prov, lineage = self.lookup(args[0]) if args else (None, frozenset())
            self.trace.events.append(Event("linear", "Linear", stack[0] if stack else (), stack, prov,
                                           tuple(args[0].shape) if args else (), module=module,
                                           lineage=lineage))

        def _cut(self, module, args, output):
            # data leaving a learned layer is that layer's features, no longer the RNN's
            for tensor in _leaves(output):
                if isinstance(tensor, torch.Tensor):
                    self.remember(tensor, Prov("layer", module, None), self.lookup(tensor)[1])

        @contextlib.contextmanager
        def construction(self):
            """Note where each RNN and Linear of the corpus file is built."""
            patched = {torch.nn.RNNBase: torch.nn.RNNBase.__init__, torch.nn.Linear: torch.nn.Linear.__init__}

            def wrap(original):
                def __init__(module, *args, **kwargs):
                    original(module, *args, **kwargs)
                    stack = self.stack(sys._getframe(1))
                    if stack:
                        self.trace.events.append(Event("built", type(module).__name__, stack[0], stack,
                                                       module=module))
                return __init__

            for cls, original in patched.items():
                cls.__init__ = wrap(original)
            try:
                yield
            finally:
                for cls, original in patched.items():
                    cls.__init__ = original

    return Recorder


def _summary(name, args, kwargs) -> tuple:
    if name == "__getitem__" and len(args) > 1:
        return (args[1],)
    if name in REDUCTIONS:
        dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
        return (dim,)
    if name in ("permute", "transpose", "swapaxes", "swapdims"):
        dims = args[1:]
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return tuple(dims) or tuple(kwargs.values())
    return ()


def _propagate(name, prov, subject, tensor, args, kwargs):
    if prov is None:
        return None
    if name == "_pad_packed_sequence" and tensor.dim() == 3:
        batch_first = args[2] if len(args) > 2 else kwargs.get("batch_first", False)
        axes = ("batch", "time", "feature") if batch_first else ("time", "batch", "feature")
        return Prov(prov.kind, prov.rnn, axes)
    axes = prov.axes
    if not isinstance(axes, tuple) or subject is None:
        return Prov(prov.kind, prov.rnn, None)
    if name in ("permute", "transpose", "swapaxes", "swapdims") and tensor.dim() == len(axes):
        dims = [d % len(axes) for d in _summary(name, args, kwargs) if isinstance(d, int)]
        if name == "permute" and len(dims) == len(axes):
            return Prov(prov.kind, prov.rnn, tuple(axes[d] for d in dims))
        if name != "permute" and len(dims) == 2:
            moved = list(axes)
            moved[dims[0]], moved[dims[1]] = moved[dims[1]], moved[dims[0]]
            return Prov(prov.kind, prov.rnn, tuple(moved))
        return Prov(prov.kind, prov.rnn, None)
    if tuple(tensor.shape) == tuple(subject.shape):
        return prov
    return Prov(prov.kind, prov.rnn, None)


# --------------------------------------------------------------------------------------
# Mutation operators: each is one classic bug, tied to the rule whose finding it is.
# --------------------------------------------------------------------------------------


@dataclass
class Candidate:
    old: cst.CSTNode
    new: cst.CSTNode
    anchor: cst.CSTNode
    in_scope: bool


@dataclass(frozen=True)
class Operator:
    name: str
    code: str
    summary: str
    find: Callable


OPERATORS: list = []


def operator(code: str, summary: str):
    def register(find):
        OPERATORS.append(Operator(find.__name__, code, summary, find))
        return find
    return register


class Sites:
    """What the operators ask of one corpus file: its syntax and what its original run did."""

    def __init__(self, facts: SourceFacts, trace: Trace):
        import torch
        self.facts, self.trace = facts, trace
        self.rnn_calls = []           # (constructor call, module) for every RNN built
        named = set()
        for call in facts.of_type(cst.Call):
            module = trace.built(facts.end(call))
            if isinstance(module, torch.nn.RNNBase):
                self.rnn_calls.append((call, module))
                if self._names_rnn_class(call):
                    named.add(id(module))
        self._named = named

    def named(self, module) -> bool:
        """The RNN's class can be read from the code, not only from a run-time string or argument."""
        return id(module) in self._named

    def _names_rnn_class(self, call: cst.Call) -> bool:
        roots = [call.func]
        scope = self.facts.function_of(call)
        for node in self.facts.within(call.func, cst.Name):
            if scope is not None:
                roots.extend(self.facts.assignments(scope, node.value))
            roots.extend(self.facts.assignments(self.facts.module, node.value))
        return any(last_identifier(node) in ("RNN", "LSTM", "GRU")
                   for root in roots for node in self.facts.within(root, (cst.Name, cst.Attribute)))

    def constructors(self) -> Iterator[tuple]:
        yield from self.rnn_calls

    def rnn_called_at(self, call, *kinds):
        for event in self.trace.at(self.facts.end(call), "rnn"):
            if event.name in kinds:
                return event.module
        return None

    def from_named_rnn(self, prov) -> bool:
        return from_rnn(prov) and self.named(prov.rnn)


# positional order of the constructors' arguments
_RNN_ORDER = ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout",
              "bidirectional")
_GATED_ORDER = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional",
                "proj_size")


def rnn_arg(call: cst.Call, module, name: str):
    found = keyword(call, name)
    if found is not None:
        return found
    order = _RNN_ORDER if module.mode in ("RNN_TANH", "RNN_RELU") else _GATED_ORDER
    return positional(call, order.index(name)) if name in order else None


def _head_fed_by_rnn(sites: Sites, module) -> bool:
    return any(sites.from_named_rnn(event.prov) for event in sites.trace.calls_of(module) if event.kind == "linear")


@operator("RNN001", "drop the `2 *` / `* num_directions` from a head's in_features")
def head_in_features_drop_directions(sites):
    import torch
    facts = sites.facts
    for call in facts.calls("Linear"):
        module = sites.trace.built(facts.end(call))
        if not isinstance(module, torch.nn.Linear):
            continue
        features = keyword(call, "in_features") or positional(call, 0)
        if features is None:
            continue
        for root in followed(facts, features.value, call):
            for old, new in drop_directions(facts, root):
                yield Candidate(old, new, old, _head_fed_by_rnn(sites, module))


@operator("RNN001", "build the head with hidden_size after an LSTM with proj_size")
def head_ignores_proj_size(sites):
    import torch
    facts = sites.facts
    heads = [(call, sites.trace.built(facts.end(call))) for call in facts.calls("Linear")]
    for call, rnn in sites.constructors():
        proj, hidden = rnn_arg(call, rnn, "proj_size"), rnn_arg(call, rnn, "hidden_size")
        if proj is None or hidden is None or getattr(rnn, "proj_size", 0) <= 0:
            continue
        for head_call, head in heads:
            features = keyword(head_call, "in_features") or positional(head_call, 0)
            if features is None or not isinstance(head, torch.nn.Linear):
                continue
            for node in facts.within(features.value, type(proj.value)):
                if node.deep_equals(proj.value):
                    yield Candidate(node, hidden.value.deep_clone(), node, _head_fed_by_rnn(sites, head))


def _single_selection(node) -> bool:
    """`v[k]` or `v[k, :, :]`: one integer index on the first axis."""
    if not isinstance(node, cst.Subscript) or not node.slice:
        return False
    first, rest = node.slice[0].slice, node.slice[1:]
    return isinstance(first, cst.Index) and int_value(first.value) is not None and all(
        isinstance(element.slice, cst.Slice) and element.slice.lower is None and element.slice.upper is None
        for element in rest)


def _state_selections(sites: Sites, node) -> list:
    """Provenance of the h_n / c_n layer selections made under `node`, read from the run."""
    found = []
    for sub in sites.facts.within(node, cst.Subscript):
        for event in sites.trace.at(sites.facts.end(sub)):
            if event.name == "__getitem__" and event.prov is not None and event.prov.kind in ("h_n", "c_n") \
                    and isinstance(event.prov.axes, tuple) and event.prov.axes[0] == "layer" \
                    and sites.named(event.prov.rnn):
                found.append(event.prov)
    return found


def _both_directions(node):
    """`torch.cat((h[-2], h[-1]), dim=...)`: the base `h`, else None."""
    if not isinstance(node, cst.Call) or call_tail(node) not in ("cat", "concat") or not node.args:
        return None
    parts = node.args[0].value
    if not isinstance(parts, (cst.Tuple, cst.List)) or len(parts.elements) != 2:
        return None
    bases = [element.value.value for element in parts.elements if _single_selection(element.value)]
    if len(bases) != 2 or not bases[0].deep_equals(bases[1]) or not isinstance(bases[0], (cst.Name, cst.Attribute)):
        return None
    return bases[0]


@operator("RNN002", "feed h_n whole to the head instead of its last layer")
def hidden_state_into_head(sites):
    facts, linears = sites.facts, sites.trace.of("linear")
    for node in facts.nodes:
        base = None
        if _single_selection(node) and isinstance(node.value, (cst.Name, cst.Attribute)):
            base = node.value
        elif isinstance(node, cst.Call) and call_tail(node) == "squeeze" and isinstance(node.func, cst.Attribute) \
                and isinstance(node.func.value, (cst.Name, cst.Attribute)):
            base = node.func.value
        elif _both_directions(node) is not None:
            base = _both_directions(node)
        if base is None or isinstance(facts.parents.get(node), cst.Element):
            continue  # a part of `torch.cat((h[-2], h[-1]))` alone is not what reaches the head
        end = facts.end(node)
        state = _state_selections(sites, node) or [
            event.prov for event in sites.trace.at(end) if event.name == "squeeze"
            and event.prov is not None and event.prov.kind in ("h_n", "c_n")
            and isinstance(event.prov.axes, tuple) and sites.named(event.prov.rnn)]
        reaches_head = any(event.prov is not None and event.prov.kind in ("h_n", "c_n") and end in event.lineage
                           for event in linears)
        # RNN002 exempts a state with a single layer and direction: the head's extra axis is then 1
        stacked = any(prov.rnn.num_layers * (2 if prov.rnn.bidirectional else 1) > 1 for prov in state)
        yield Candidate(node, base.deep_clone(), node, bool(state) and reaches_head and stacked)


@operator("RNN003", "keep only h_n[-1] of a bidirectional RNN (one direction)")
def last_hidden_one_direction(sites):
    facts = sites.facts
    for node in facts.nodes:
        base = _both_directions(node)
        if base is None and isinstance(node, cst.Subscript) and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Slice) and int_value(node.slice[0].slice.lower) == -2 \
                and node.slice[0].slice.upper is None and isinstance(node.value, (cst.Name, cst.Attribute)):
            base = node.value
        if base is None:
            continue
        provs = _state_selections(sites, node) or [
            event.prov for event in sites.trace.at(facts.end(node)) if event.prov is not None
            and event.prov.kind == "h_n" and sites.named(event.prov.rnn)]
        bidirectional = any(prov.kind == "h_n" and prov.rnn.bidirectional for prov in provs)
        new = cst.Subscript(value=base.deep_clone(), slice=[cst.SubscriptElement(cst.Index(expr("-1")))])
        yield Candidate(node, new, node, bidirectional)


def _time_select_swap(node):
    """`v[-1]` <-> `v[:, -1]` (keeping trailing `:`): the swapped subscript, else None."""
    if not isinstance(node, cst.Subscript) or not node.slice:
        return None
    parts = [element.slice for element in node.slice]

    def full(part):
        return isinstance(part, cst.Slice) and part.lower is None and part.upper is None and part.step is None

    def colon():
        return cst.SubscriptElement(cst.Slice(lower=None, upper=None))

    def minus_one():
        return cst.SubscriptElement(cst.Index(expr("-1")))

    if isinstance(parts[0], cst.Index) and int_value(parts[0].value) == -1 and all(full(p) for p in parts[1:]):
        elements = [colon(), minus_one()] + [colon() for _ in range(len(parts) - 2)]
    elif len(parts) >= 2 and full(parts[0]) and isinstance(parts[1], cst.Index) \
            and int_value(parts[1].value) == -1 and all(full(p) for p in parts[2:]):
        elements = [minus_one()] + [colon() for _ in range(len(parts) - 1 if len(parts) > 2 else 0)]
    else:
        return None
    return node.with_changes(slice=elements)


@operator("RNN004", "select the last time step on the batch axis (`out[-1]` <-> `out[:, -1]`)")
def time_step_on_batch_axis(sites):
    for node in sites.facts.of_type(cst.Subscript):
        new = _time_select_swap(node)
        if new is None:
            continue
        in_scope = any(event.name == "__getitem__" and event.prov is not None and event.prov.kind == "output"
                       and sites.named(event.prov.rnn) and selects_time(event)
                       for event in sites.trace.at(sites.facts.end(node)))
        yield Candidate(node, new, node, in_scope)


def _reduction_dim(call: cst.Call):
    """The `dim` argument of `x.mean(dim=k)` / `torch.max(x, k)`: (arg, value), else None."""
    if call_tail(call) not in REDUCTIONS or not isinstance(call.func, cst.Attribute):
        return None
    is_function = last_identifier(call.func.value) == "torch"
    arg = keyword(call, "dim") or positional(call, 1 if is_function else 0)
    if arg is None or int_value(arg.value) not in (0, 1):
        return None
    return arg, int_value(arg.value)


@operator("RNN004", "pool over the batch axis instead of time (dim 0 <-> 1)")
def pool_over_batch_axis(sites):
    for call in sites.facts.of_type(cst.Call):
        found = _reduction_dim(call)
        if found is None:
            continue
        arg, dim = found
        in_scope = any(event.name in REDUCTIONS and event.prov is not None and event.prov.kind == "output"
                       and sites.named(event.prov.rnn) and selects_time(event)
                       for event in sites.trace.at(sites.facts.end(call)))
        new = call.with_changes(args=[a.with_changes(value=cst.Integer(str(1 - dim))) if a is arg else a
                                      for a in call.args])
        yield Candidate(call, new, call, in_scope)


def _time_axis_used(sites: Sites, module) -> bool:
    """The RNN reads plain tensors and its output is then time-selected or pooled."""
    calls = [event for event in sites.trace.calls_of(module) if event.kind == "rnn"]
    return sites.named(module) and bool(calls) and not any(event.packed for event in calls) \
        and bool(sites.trace.time_uses(module))


@operator("RNN004", "drop (or flip) `batch_first=True` on an RNN fed batch-first data")
def rnn_drop_batch_first(sites):
    for call, module in sites.constructors():
        arg = rnn_arg(call, module, "batch_first")
        if arg is None or not is_true(arg.value):
            continue
        new = without_arg(call, arg) if arg.keyword is not None else call.with_changes(
            args=[a.with_changes(value=cst.Name("False")) if a is arg else a for a in call.args])
        yield Candidate(call, new, arg, _time_axis_used(sites, module))


@operator("RNN004", "add `batch_first=True` to an RNN fed sequence-first data")
def rnn_add_batch_first(sites):
    for call, module in sites.constructors():
        if rnn_arg(call, module, "batch_first") is not None or any(arg.star for arg in call.args):
            continue
        yield Candidate(call, with_keyword(call, "batch_first", "True"), call, _time_axis_used(sites, module))


@operator("RNN005", "replace a batch/time `permute`/`transpose` by a `view` of the swapped sizes")
def permute_to_view(sites):
    facts = sites.facts
    for call in facts.calls("permute", "transpose"):
        if not isinstance(call.func, cst.Attribute) or not is_pure(call.func.value):
            continue
        dims = [int_value(arg.value) for arg in call.args]
        if None in dims or any(arg.keyword is not None for arg in call.args):
            continue
        events = [event for event in sites.trace.at(facts.end(call)) if event.name in ("permute", "transpose")]
        if not events:
            continue
        rank = len(events[0].shape)
        if call_tail(call) == "transpose":
            if len(dims) != 2:
                continue
            order = list(range(rank))
            a, b = dims[0] % rank, dims[1] % rank
            order[a], order[b] = order[b], order[a]
        else:
            order = [d % rank for d in dims]
        if len(order) != rank or order[0] == 0:
            continue  # only orders that move the leading (batch, time or layer) axis
        receiver = facts.code(call.func.value)
        sizes = [f"{receiver}.size({d})" for d in order[:-1]] + ["-1"]
        new = expr(f"{receiver}.view({', '.join(sizes)})")
        end = facts.end(call)
        touches_rnn = any(sites.from_named_rnn(event.prov) for event in events)
        feeds_rnn = any(sites.named(event.module) and (end in event.lineage
                                                       or any(end in seen for seen in event.hx_lineage))
                        for event in sites.trace.of("rnn"))
        yield Candidate(call, new, call, touches_rnn or feeds_rnn)


def _tuple_target(assign):
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1 \
            and isinstance(assign.targets[0].target, cst.Tuple) and isinstance(assign.value, cst.Call):
        return assign.targets[0].target
    return None


@operator("RNN007", "unpack an LSTM's result as `out, h = ...` (h is the (h_n, c_n) tuple)")
def lstm_state_unpacked_as_tensor(sites):
    facts = sites.facts
    for assign in facts.of_type(cst.Assign):
        target = _tuple_target(assign)
        if target is None or len(target.elements) != 2:
            continue
        inner = target.elements[1].value
        if not isinstance(inner, cst.Tuple) or len(inner.elements) != 2:
            continue
        hidden, cell = inner.elements[0].value, inner.elements[1].value
        if not isinstance(hidden, cst.Name) or hidden.value == "_" or not isinstance(cell, cst.Name):
            continue
        scope = facts.function_of(assign)
        if cell.value != "_" and scope is not None and facts.name_uses(scope, cell.value) > 1:
            continue  # the cell state is used later: the bug would be a NameError, not plausible
        new_target = target.with_changes(elements=[target.elements[0], target.elements[1].with_changes(
            value=hidden.deep_clone())])
        new = assign.with_changes(targets=[assign.targets[0].with_changes(target=new_target)])
        module = sites.rnn_called_at(assign.value, "LSTM")
        yield Candidate(assign, new, assign, module is not None and sites.named(module))


@operator("RNN007", "unpack a GRU/RNN h_n as if it were an LSTM's `(h, c)`")
def gru_state_unpacked_as_pair(sites):
    facts = sites.facts
    for assign in facts.of_type(cst.Assign):
        target = _tuple_target(assign)
        if target is None or len(target.elements) != 2:
            continue
        hidden = target.elements[1].value
        if not isinstance(hidden, cst.Name) or hidden.value == "_":
            continue
        scope = facts.function_of(assign)
        cell = next((name for name in ("c_n", "cell", "cell_state", "c_state") if scope is None
                     or facts.name_uses(scope, name) == 0), None)
        if cell is None:
            continue
        pair = cst.Tuple(elements=[cst.Element(hidden.deep_clone(), comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(cst.Name(cell))])
        new_target = target.with_changes(elements=[target.elements[0], target.elements[1].with_changes(value=pair)])
        new = assign.with_changes(targets=[assign.targets[0].with_changes(target=new_target)])
        module = sites.rnn_called_at(assign.value, "GRU", "RNN")
        yield Candidate(assign, new, assign, module is not None and sites.named(module))


@operator("RNN007", "pass a bare tensor as an LSTM's state instead of `(h0, c0)`")
def lstm_state_bare_tensor(sites):
    facts = sites.facts
    for call in facts.of_type(cst.Call):
        state = positional(call, 1)
        if state is None or not isinstance(state.value, cst.Tuple) or len(state.value.elements) != 2:
            continue
        new = call.with_changes(args=[a.with_changes(value=state.value.elements[0].value.deep_clone())
                                      if a is state else a for a in call.args])
        module = sites.rnn_called_at(call, "LSTM")
        yield Candidate(call, new, call, module is not None and sites.named(module))
    h0_lineages = [event.hx_lineage[0] for event in sites.trace.of("rnn")
                   if event.name == "LSTM" and event.hx == "tuple" and event.hx_lineage and sites.named(event.module)]
    for ret in facts.of_type(cst.Return):
        if not isinstance(ret.value, cst.Tuple) or len(ret.value.elements) != 2:
            continue
        # `return h0, c0` from the helper that makes the state: h0 must be what the LSTM got
        first = ret.value.elements[0].value
        made = [first]
        scope = facts.function_of(ret)
        if isinstance(first, cst.Name) and scope is not None:
            made = facts.assignments(scope, first.value)
        is_state = any(facts.end(node) in seen for node in made for seen in h0_lineages)
        yield Candidate(ret, ret.with_changes(value=first.deep_clone()), ret, is_state)


def _hx_of_named(sites: Sites) -> set:
    ends = set()
    for event in sites.trace.of("rnn"):
        if sites.named(event.module):
            for seen in event.hx_lineage:
                ends |= seen
    return ends


STATE_FACTORIES = ("zeros", "ones", "randn", "rand", "empty", "full", "new_zeros", "new_ones", "new_empty",
                   "new_full", "new")


@operator("RNN006", "drop the directions from the layers axis of h0/c0")
def h0_layers_drop_directions(sites):
    facts, hx_ends = sites.facts, _hx_of_named(sites)
    for call in facts.calls(*STATE_FACTORIES):
        layers = positional(call, 0)
        if layers is None:
            continue
        in_scope = facts.end(call) in hx_ends
        if int_value(layers.value) == 2:
            yield Candidate(layers.value, cst.Integer("1"), call, in_scope)
        for old, new in drop_directions(facts, layers.value):
            yield Candidate(old, new, call, in_scope)


def _size_swaps(facts, root) -> Iterator[tuple]:
    """`x.size(0)` <-> `x.size(1)` and `x.shape[0]` <-> `x.shape[1]` under `root`."""
    for node in facts.within(root, cst.Call):
        if call_tail(node) == "size" and len(node.args) == 1 and int_value(node.args[0].value) in (0, 1):
            flipped = 1 - int_value(node.args[0].value)
            yield node, node.with_changes(args=[node.args[0].with_changes(value=cst.Integer(str(flipped)))])
    for node in facts.within(root, cst.Subscript):
        if last_identifier(node.value) == "shape" and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Index) and int_value(node.slice[0].slice.value) in (0, 1):
            flipped = 1 - int_value(node.slice[0].slice.value)
            yield node, node.with_changes(slice=[node.slice[0].with_changes(
                slice=cst.Index(cst.Integer(str(flipped))))])


@operator("RNN006", "take h0's batch size from the time axis (`size(0)` <-> `size(1)`)")
def h0_batch_from_time_axis(sites):
    facts, hx_ends = sites.facts, _hx_of_named(sites)
    for call in facts.of_type(cst.Call):
        tail = call_tail(call)
        # the calls that size a state: tensor factories and the model's own state helpers
        if facts.end(call) not in hx_ends or not (tail in STATE_FACTORIES or "hidden" in tail or "state" in tail):
            continue
        for arg in call.args:
            for root in followed(facts, arg.value, call):
                for old, new in _size_swaps(facts, root):
                    yield Candidate(old, new, old, True)


@operator("RNN006", "size h0 like c0 (hidden_size) in an LSTM with proj_size")
def h0_sized_like_c0(sites):
    import torch
    facts, hx_ends = sites.facts, _hx_of_named(sites)
    projected = any(isinstance(event.module, torch.nn.LSTM) and event.module.proj_size > 0
                    and event.hx == "tuple" for event in sites.trace.of("rnn"))
    factories = [call for call in facts.calls(*STATE_FACTORIES) if len(call.args) >= 3]
    for first in factories:
        for second in factories:
            if first is second or facts.function_of(first) is not facts.function_of(second):
                continue
            same_head = all(a.value.deep_equals(b.value) for a, b in zip(first.args[:-1], second.args[:-1]))
            last_a, last_b = first.args[-1].value, second.args[-1].value
            if not same_head or last_a.deep_equals(last_b) or facts.line(first) > facts.line(second):
                continue
            yield Candidate(last_a, last_b.deep_clone(), first, projected and facts.end(first) in hx_ends)


def _flip_batch_first(call):
    arg = keyword(call, "batch_first")
    if arg is not None and is_true(arg.value):
        return without_arg(call, arg)
    if arg is None and not any(a.star for a in call.args):
        return with_keyword(call, "batch_first", "True")
    return None


@operator("RNN010", "drop or add `batch_first=True` on pack_padded_sequence")
def pack_flip_batch_first(sites):
    facts = sites.facts
    for call in facts.calls("pack_padded_sequence"):
        new = _flip_batch_first(call)
        if new is None:
            continue
        end = facts.end(call)
        consumed = any(event.packed and sites.named(event.module) and end in event.lineage
                       for event in sites.trace.of("rnn"))
        yield Candidate(call, new, call, consumed)


@operator("RNN010", "drop or add `batch_first=True` on pad_packed_sequence")
def pad_packed_flip_batch_first(sites):
    facts = sites.facts
    for call in facts.calls("pad_packed_sequence"):
        new = _flip_batch_first(call)
        if new is None:
            continue
        produced = any(event.name == "_pad_packed_sequence" and sites.from_named_rnn(event.prov)
                       for event in sites.trace.at(facts.end(call)))
        yield Candidate(call, new, call, produced)


def _is_zero(node) -> bool:
    return (isinstance(node, cst.Float) and float(node.value) == 0.0) or int_value(node) == 0


@operator("RNN009", "ask dropout of an RNN built with one layer")
def dropout_on_single_layer(sites):
    for call, module in sites.constructors():
        if module.num_layers != 1 or module.dropout:
            continue
        layers = rnn_arg(call, module, "num_layers")
        # one layer whatever the configuration: torch's default, or a literal 1
        one_layer = sites.named(module) and (layers is None and not any(a.star for a in call.args)
                                             or layers is not None and int_value(layers.value) == 1)
        arg = rnn_arg(call, module, "dropout")
        if arg is None:
            if not any(a.star for a in call.args):
                yield Candidate(call, with_keyword(call, "dropout", "0.3"), call, one_layer)
        elif isinstance(arg.value, cst.IfExp) and (_is_zero(arg.value.orelse) or _is_zero(arg.value.body)):
            # `dropout if num_layers > 1 else 0` written without its guard
            branch = arg.value.orelse if _is_zero(arg.value.body) else arg.value.body
            yield Candidate(arg.value, branch.deep_clone(), call, one_layer)


def _fed_by_layers(sites: Sites, module) -> bool:
    """The RNN's input features come from the model's own layers, so their count is in the code."""
    calls = [event for event in sites.trace.calls_of(module) if event.kind == "rnn"]
    return sites.named(module) and bool(calls) and all(event.prov is not None for event in calls)


@operator("RNN008", "build the RNN with twice its input_size (as if its input were bidirectional)")
def input_size_doubled(sites):
    for call, module in sites.constructors():
        given = rnn_arg(call, module, "input_size")
        if given is None:
            continue
        value = given.value
        text = sites.facts.code(value)
        simple = isinstance(value, (cst.Name, cst.Attribute, cst.Integer, cst.Subscript, cst.Call))
        doubled = expr(f"2 * {text}" if simple else f"2 * ({text})")
        yield Candidate(value, doubled, given, _fed_by_layers(sites, module))


@operator("RNN008", "forget part of the features in input_size (`a + b` -> `a`, `2 * h` -> `h`)")
def input_size_drops_part(sites):
    facts = sites.facts
    for call, module in sites.constructors():
        given = rnn_arg(call, module, "input_size")
        if given is None:
            continue
        in_scope = _fed_by_layers(sites, module)
        for root in followed(facts, given.value, call):
            for node in facts.within(root, cst.BinaryOperation):
                if isinstance(node.operator, cst.Add):
                    yield Candidate(node, node.left.deep_clone(), node, in_scope)
                    yield Candidate(node, node.right.deep_clone(), node, in_scope)
            for old, new in drop_directions(facts, root):
                yield Candidate(old, new, old, in_scope)


MISSPELLINGS = {
    "input_size": "input_dim", "hidden_size": "hidden_dim", "num_layers": "num_layer",
    "batch_first": "batchfirst", "bidirectional": "bidirection", "dropout": "drop_out",
    "bias": "use_bias", "nonlinearity": "activation", "proj_size": "projection_size",
}


@operator("RNN011", "misspell a keyword of an RNN constructor")
def misspelled_rnn_keyword(sites):
    for call, module in sites.constructors():
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in MISSPELLINGS:
                new = arg.with_changes(keyword=cst.Name(MISSPELLINGS[arg.keyword.value]))
                yield Candidate(arg, new, arg, sites.named(module))


@operator("RNN011", "write the nonlinearity with capitals (`'ReLU'`, `'Tanh'`)")
def nonlinearity_wrong_case(sites):
    for call, module in sites.constructors():
        arg = rnn_arg(call, module, "nonlinearity") if module.mode in ("RNN_TANH", "RNN_RELU") else None
        if arg is None or not isinstance(arg.value, cst.SimpleString):
            continue
        wrong = {"relu": "ReLU", "tanh": "Tanh"}.get(arg.value.evaluated_value)
        if wrong:
            quote = arg.value.value[0]
            yield Candidate(arg.value, cst.SimpleString(f"{quote}{wrong}{quote}"), arg, sites.named(module))


# --------------------------------------------------------------------------------------
# Running a corpus file (original or mutant) with real torch.
# --------------------------------------------------------------------------------------


@dataclass
class Run:
    error: str | None = None
    warnings: frozenset = frozenset()
    outputs: list = field(default_factory=list)     # [(mode, leaves)]
    state: dict | None = None
    inputs: list | None = None
    trace: Trace | None = None


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: int):
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Timeout(f"ran longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_LOADED = 0


def _load(path: Path):
    global _LOADED
    _LOADED += 1
    name = f"rnnlint_mutation_{_LOADED}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def _tensor_leaves(value) -> list:
    import torch
    if isinstance(value, torch.Tensor):
        return [value.detach().clone()]
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _tensor_leaves(item)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value, key=str) for leaf in _tensor_leaves(value[key])]
    return [value]


def _tensors(value) -> list:
    import torch
    return [leaf for leaf in _tensor_leaves(value) if isinstance(leaf, torch.Tensor)]


def _aligned_inputs(inputs, reference):
    """The mutant's inputs, with every tensor of the original's shape replaced by the original's.

    Inputs made after the model in build() come from a random stream that a changed parameter shape
    shifts; the data must be the same for both runs. Inputs whose shape the mutation changed stay.
    """
    import torch
    if reference is None:
        return inputs
    flat = iter(reference)

    def swap(value):
        if isinstance(value, torch.Tensor):
            original = next(flat, None)
            if isinstance(original, torch.Tensor) and original.shape == value.shape and original.dtype == value.dtype:
                return original.clone()
            return value
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return type(value)(*[swap(item) for item in value])
        if isinstance(value, (tuple, list)):
            return type(value)(swap(item) for item in value)
        if isinstance(value, dict):
            swapped = {key: swap(value[key]) for key in sorted(value, key=str)}
            return {key: swapped[key] for key in value}
        return value

    return swap(inputs)


def execute(path: Path, reference: Run | None = None, trace: bool = False) -> Run:
    """Import the file, build(), run forward in eval then train mode; never raises."""
    import torch
    run = Run()
    recorder = _recorder_class()(str(path)) if trace else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with _time_limit(RUN_TIMEOUT_S), (recorder.construction() if recorder else contextlib.nullcontext()), \
                    (recorder if recorder else contextlib.nullcontext()):
                module = _load(path)
                model, inputs, _ = module.build()
                if reference is not None and reference.state is not None:
                    own = model.state_dict()
                    compatible = {key: value for key, value in reference.state.items()
                                  if key in own and own[key].shape == value.shape}
                    model.load_state_dict(compatible, strict=False)
                inputs = _aligned_inputs(inputs, reference.inputs if reference else None)
                run.state = {key: value.detach().clone() for key, value in model.state_dict().items()}
                run.inputs = _tensors(inputs)
                if recorder:
                    recorder.attach(model)
                for mode, seed in (("eval", EVAL_SEED), ("train", TRAIN_SEED)):
                    model.train(mode == "train")
                    torch.manual_seed(seed)
                    random.seed(seed)
                    with torch.no_grad():
                        run.outputs.append((mode, _tensor_leaves(model(*inputs))))
        except (Exception, _Timeout) as error:  # noqa: BLE001 - a mutant may fail in any way
            run.error = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    run.warnings = frozenset(f"{w.category.__name__}: {w.message}" for w in caught)
    if recorder:
        run.trace = recorder.trace
    return run


def misbehaviour(original: Run, mutant: Run) -> str | None:
    """How the mutant differs from the original on the same input and weights, else None."""
    import torch
    if mutant.error:
        return f"raises {mutant.error}"[:200]
    new_warnings = sorted(mutant.warnings - original.warnings)
    if new_warnings:
        return f"warns {new_warnings[0]}"[:200]
    for (mode, expected), (_, got) in zip(original.outputs, mutant.outputs):
        if len(expected) != len(got):
            return f"returns {len(got)} values instead of {len(expected)} ({mode})"
        for want, have in zip(expected, got):
            if isinstance(want, torch.Tensor) != isinstance(have, torch.Tensor):
                return f"returns a different kind of value ({mode})"
            if not isinstance(want, torch.Tensor):
                if want != have:
                    return f"returns different values ({mode})"
                continue
            if want.shape != have.shape:
                return f"returns shape {tuple(have.shape)} instead of {tuple(want.shape)} ({mode})"
            if want.dtype != have.dtype or not torch.equal(want, have):
                return f"returns different values ({mode})"
    return None


# --------------------------------------------------------------------------------------
# The benchmark.
# --------------------------------------------------------------------------------------


@dataclass
class Mutant:
    file: str
    operator: str
    code: str
    site: str
    source: str = field(repr=False)
    confirmed: bool = False
    evidence: str = ""
    found: tuple = ()
    verdict: str = ""       # "intended", "other", "missed" (confirmed mutants only)
    lint_error: str = ""    # rnnlint raised instead of answering

    @property
    def name(self) -> str:
        return f"{self.file}:{self.operator}:{self.site}"


def make_mutants(path: Path, trace: Trace) -> tuple:
    """(mutants, out-of-scope count per operator) for one corpus file."""
    source = path.read_text()
    facts = SourceFacts(source)
    sites = Sites(facts, trace)
    mutants, skipped = [], Counter()
    for op in OPERATORS:
        seen, labels = {source}, Counter()
        for candidate in op.find(sites):
            if not candidate.in_scope:
                skipped[op.name] += 1
                continue
            mutated = facts.module.deep_replace(candidate.old, candidate.new).code
            if mutated in seen:
                continue
            seen.add(mutated)
            line = facts.line(candidate.anchor)
            labels[line] += 1
            site = f"L{line}" if labels[line] == 1 else f"L{line}.{labels[line]}"
            mutants.append(Mutant(path.stem, op.name, op.code, site, mutated))
    return mutants, skipped


def run_benchmark(corpus: Path = CLEAN_CORPUS, progress: Callable[[str], None] | None = None,
                  match: str = "") -> dict:
    """Make, confirm and lint every mutant; the result is what --json writes."""
    import torch
    from rnnlint._engine import lint_source

    started = time.perf_counter()
    threads, torch_rng, python_rng = torch.get_num_threads(), torch.get_rng_state(), random.getstate()
    torch.set_num_threads(1)
    files = [path for path in sorted(corpus.glob("*.py")) if match in path.stem]
    clean_findings, mutants, skipped, broken = [], [], Counter(), []
    try:
        with tempfile.TemporaryDirectory(prefix="rnnlint-mutants-") as folder:
            for path in files:
                source = path.read_text()
                try:
                    clean_findings.extend(f"{path.name}:{f.row}:{f.column + 1}: {f.code} {f.message}"
                                          for f in lint_source(source, str(path)))
                except Exception as error:  # noqa: BLE001 - a crash on clean code is reported, not hidden
                    clean_findings.append(f"{path.name}: rnnlint crashed: {type(error).__name__}: {error}")
                original = execute(path, trace=True)
                if original.error:
                    broken.append(f"{path.name}: {original.error}")
                    continue
                made, out_of_scope = make_mutants(path, original.trace)
                original.trace = None
                skipped.update(out_of_scope)
                for index, mutant in enumerate(made):
                    mutant_path = Path(folder) / f"{path.stem}__m{index}.py"
                    mutant_path.write_text(mutant.source)
                    result = execute(mutant_path, reference=original)
                    evidence = misbehaviour(original, result)
                    mutant.confirmed = evidence is not None
                    mutant.evidence = evidence or "same behaviour as the original"
                    if mutant.confirmed:
                        mutant.found, mutant.lint_error = _lint(lint_source, mutant.source, f"{path.stem}.py")
                        mutant.verdict = ("intended" if mutant.code in mutant.found
                                          else "other" if mutant.found else "missed")
                mutants.extend(made)
                if progress:
                    progress(f"{path.stem}: {len(made)} mutants")
    finally:
        torch.set_num_threads(threads)
        torch.set_rng_state(torch_rng)
        random.setstate(python_rng)
    return _summarise(files, clean_findings, mutants, skipped, broken, time.perf_counter() - started)


def _lint(lint_source, source: str, path: str) -> tuple:
    """(codes found, crash description or "")."""
    try:
        return tuple(sorted({finding.code for finding in lint_source(source, path)})), ""
    except Exception as error:  # noqa: BLE001 - a crash is a miss, and is listed
        return (), f"{type(error).__name__}: {error}"


def _tally(group: list) -> dict:
    confirmed = [m for m in group if m.confirmed]
    counts = Counter(m.verdict for m in confirmed)
    return {
        "made": len(group), "confirmed": len(confirmed), "intended": counts["intended"],
        "other": counts["other"], "missed": counts["missed"],
        "recall": round(counts["intended"] / len(confirmed), 4) if confirmed else None,
        "misses": sorted(m.name for m in confirmed if m.verdict != "intended"),
        "lint_crashes": sorted(m.name for m in confirmed if m.lint_error),
    }


def _summarise(files, clean_findings, mutants, skipped, broken, seconds) -> dict:
    by_code, by_operator = defaultdict(list), defaultdict(list)
    for mutant in mutants:
        by_code[mutant.code].append(mutant)
        by_operator[mutant.operator].append(mutant)
    operators = {}
    for op in OPERATORS:
        tally = _tally(by_operator[op.name])
        tally.update(code=op.code, summary=op.summary, out_of_scope=skipped[op.name])
        operators[op.name] = tally
    return {
        "corpus_files": len(files),
        "clean_findings": clean_findings,
        "broken_originals": broken,
        "overall": _tally(mutants),
        "rules": {code: _tally(by_code[code]) for code in RULE_CODES if by_code[code]},
        "operators": operators,
        "mutants": [{key: value for key, value in asdict(m).items() if key != "source"} | {"name": m.name}
                    for m in mutants],
        "seconds": round(seconds, 1),
    }


def render(result: dict, list_all: bool = False) -> str:
    def row(label, t):
        recall = "-" if t["recall"] is None else f"{100 * t['recall']:.1f}%"
        return (f"{label:<43} {t['made']:>5} {t['confirmed']:>9} {t['intended']:>6} {t['other']:>6} "
                f"{t['missed']:>6} {recall:>7}")

    header = f"{'':<43} {'made':>5} {'confirmed':>9} {'right':>6} {'other':>6} {'missed':>6} {'recall':>7}"
    lines = [f"rnnlint mutation benchmark: {result['corpus_files']} clean files, {result['seconds']}s", "",
             header]
    for code, tally in result["rules"].items():
        lines.append(row(code, tally))
    lines.append(row("overall", result["overall"]))
    lines += ["", "by operator (out of scope: candidate sites that the original's run does not show touching an RNN,",
              "or whose RNN class the code does not name)", header]
    for name, tally in sorted(result["operators"].items(), key=lambda item: item[1]["code"]):
        lines.append(row(f"{tally['code']} {name}", tally) + f"  out of scope {tally['out_of_scope']}")
    lines += ["", f"false positives on the clean corpus: {len(result['clean_findings'])}"]
    lines += [f"  {finding}" for finding in result["clean_findings"]]
    if result["broken_originals"]:
        lines += ["", "clean files that fail to run:"] + [f"  {line}" for line in result["broken_originals"]]
    by_name = {m["name"]: m for m in result["mutants"]}
    lines += ["", f"not caught by the intended code ({len(result['overall']['misses'])}):"]
    for name in result["overall"]["misses"]:
        found = ",".join(by_name[name]["found"]) or "nothing"
        lines.append(f"  {name}  [found: {found}]  {by_name[name]['evidence']}")
    crashes = result["overall"]["lint_crashes"]
    if crashes:
        lines += ["", f"rnnlint crashed on ({len(crashes)}):"]
        lines += [f"  {name}  {by_name[name]['lint_error']}" for name in crashes]
    if list_all:
        lines += ["", "all mutants:"]
        for m in result["mutants"]:
            state = m["verdict"] if m["confirmed"] else "not confirmed"
            lines.append(f"  {m['name']:<70} {state:<13} {','.join(m['found'])}  {m['evidence']}")
    return "\n".join(lines)


def show_mutant(corpus: Path, name: str) -> int:
    """Print the diff of one mutant and what torch and rnnlint make of it."""
    import difflib

    from rnnlint._engine import lint_source

    path = corpus / f"{name.split(':')[0]}.py"
    if not path.is_file():
        print(f"mutation: error: no corpus file {path}", file=sys.stderr)
        return 2
    original = execute(path, trace=True)
    mutants, _ = make_mutants(path, original.trace)
    for mutant in mutants:
        if mutant.name != name:
            continue
        source = path.read_text()
        print("".join(difflib.unified_diff(source.splitlines(True), mutant.source.splitlines(True),
                                           f"clean/{path.name}", f"mutant/{path.name}")))
        with tempfile.TemporaryDirectory(prefix="rnnlint-mutant-") as folder:
            mutant_path = Path(folder) / path.name
            mutant_path.write_text(mutant.source)
            evidence = misbehaviour(original, execute(mutant_path, reference=original))
        print(f"torch: {evidence or 'same behaviour as the original'}")
        for finding in lint_source(mutant.source, path.name):
            print(f"rnnlint: {finding.row}:{finding.column + 1}: {finding.code} {finding.message}")
        return 0
    print(f"mutation: error: no mutant named {name}", file=sys.stderr)
    return 2


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full result as JSON to OUT")
    parser.add_argument("--corpus", metavar="DIR", default=str(CLEAN_CORPUS), help="folder of clean models")
    parser.add_argument("--list", action="store_true", help="list every mutant with its outcome")
    parser.add_argument("--match", default="", metavar="TEXT", help="only the corpus files whose name contains TEXT")
    parser.add_argument("--show", metavar="NAME", help="print one mutant (file:operator:site) as a diff, then stop")
    args = parser.parse_args(argv)
    if args.show:
        return show_mutant(Path(args.corpus), args.show)
    result = run_benchmark(Path(args.corpus), match=args.match)
    print(render(result, list_all=args.list))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
