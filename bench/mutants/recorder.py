"""The trace: what the original model did at run time, tied to source positions, recorded by a
TorchFunctionMode plus module hooks.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from .torch_names import CUT_MODULES, PACKING, REDUCTIONS, RNN_KINDS, SELECTIONS

PACKED = "packed"


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
    kind: str            # "op", "linear", "rnn", "cell", "built"
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


@functools.cache
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
                if isinstance(module, torch.nn.RNNCellBase):
                    module.register_forward_pre_hook(self._cell_in, with_kwargs=True)
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

        def _cell_in(self, module, args, kwargs):
            # one step of a recurrent cell: where it is called, and where its state was made
            stack = self.stack(sys._getframe(1))
            data = args[0] if args else kwargs.get("input")
            hx = args[1] if len(args) > 1 else kwargs.get("hx")
            hx_kind = None if hx is None else ("tensor" if isinstance(hx, torch.Tensor) else "tuple")
            hx_lineage = tuple(self.lookup(t)[1] for t in _leaves(hx) if isinstance(t, torch.Tensor))
            self.trace.events.append(Event("cell", type(module).__name__, stack[0] if stack else (), stack,
                                           self.lookup(data)[0], tuple(data.shape), module=module, hx=hx_kind,
                                           hx_lineage=hx_lineage, lineage=self.lookup(data)[1]))

        def _rnn_out(self, module, _args, output):
            # what an RNN returns starts a new history: the RNN call itself
            lineage = frozenset(self.stack(sys._getframe(1)))
            out, hx = output
            layout = ("batch", "time", "feature") if module.batch_first else ("time", "batch", "feature")
            if isinstance(out, torch.nn.utils.rnn.PackedSequence):
                self.remember(out.data, Prov("output", module, PACKED), lineage)
            else:
                self.remember(out, Prov("output", module, layout if out.dim() == 3 else None), lineage)
            states = hx if isinstance(hx, tuple) else (hx,)
            for kind, state in zip(("h_n", "c_n"), states, strict=False):
                axes = ("layer", "batch", "feature") if state.dim() == 3 else None
                self.remember(state, Prov(kind, module, axes), lineage)

        def _linear_in(self, module, args):
            stack = self.stack(sys._getframe(1))
            prov, lineage = self.lookup(args[0]) if args else (None, frozenset())
            self.trace.events.append(Event("linear", "Linear", stack[0] if stack else (), stack, prov,
                                           tuple(args[0].shape) if args else (), module=module,
                                           lineage=lineage))

        def _cut(self, module, _args, output):
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
