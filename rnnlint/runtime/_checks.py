"""The checks the watcher runs on each call of a recurrent module and of the layers after it.

Reads ``.shape`` only (no device synchronisation); every expected shape comes from
``rnnlint._shapes``. Never loads the static analysis.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from torch import Tensor, nn
from torch.nn.modules.lazy import LazyModuleMixin
from torch.nn.utils.rnn import PackedSequence

from .. import _pytorch, _shapes
from ._errors import RNNShapeError, user_line

Name = str | Callable[[], str]

_KINDS = _pytorch.KIND_OF_MODE  # torch's `mode` -> the kind: {"RNN_TANH": "RNN", "LSTM": "LSTM", ...}
_STOCK_FORWARDS = {getattr(nn, kind).forward for kind in _pytorch.RNN_KINDS}
# expected shapes are cached per input shape; a bound keeps variable lengths from piling up
_CACHE_LIMIT = 64
# results of the last calls a recurrent module keeps, for heads to recognise (an encoder may
# run over several inputs before its head is called)
_RECENT_CALLS = 4


def recurrent_config(module: nn.Module) -> _shapes.RNNConfig | None:
    """The configuration of a stock ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (or a subclass that keeps
    its forward); None for anything whose call convention the watcher cannot vouch for."""
    if not isinstance(module, nn.RNNBase) or type(module).forward not in _STOCK_FORWARDS:
        return None
    kind = _KINDS.get(module.mode)
    if kind is None:
        return None
    return _shapes.RNNConfig(
        kind=kind,
        input_size=module.input_size,
        hidden_size=module.hidden_size,
        num_layers=module.num_layers,
        batch_first=bool(module.batch_first),
        bidirectional=bool(module.bidirectional),
        proj_size=getattr(module, "proj_size", 0),
        dropout=module.dropout,
        bias=module.bias,
        nonlinearity=getattr(module, "nonlinearity", "tanh"),
    )


class Sizes:
    """The sizes a watch declares; None where not declared."""

    __slots__ = ("batch", "seq")

    def __init__(self, batch: int | None, seq: int | None) -> None:
        for label, value in (("batch", batch), ("seq", seq)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or value < 1):
                raise ValueError(f"rnnlint: {label} must be a positive int, got {value!r}")
        self.batch = batch
        self.seq = seq


class _Expected:
    """What a call whose input has a given shape must look like, from ``_shapes``; one per
    input shape seen, so that steady calls cost a dictionary lookup."""

    __slots__ = ("batch", "cell", "hidden", "output", "verified")

    def __init__(self, config: _shapes.RNNConfig, batch: int | None, seq: int | None) -> None:
        self.batch = batch
        self.output = None if seq is None else _shapes.output_shape(config, batch, seq)
        self.hidden = _shapes.hidden_state_shape(config, batch)
        self.cell = _shapes.cell_state_shape(config, batch)
        # outputs follow from the input shape: verified once per input shape, not per call
        self.verified = False


class RecurrentSpec:
    """One watched recurrent module: its configuration and the checks of its calls."""

    def __init__(self, module: nn.Module, config: _shapes.RNNConfig, name: Name) -> None:
        self.config = config
        self._name = name
        # described when an error needs it: a module watched while it is built is not done yet
        self._module = weakref.ref(module)
        self.batch_axis = _shapes.batch_axis(config)
        self.time_axis = _shapes.time_axis(config)
        self.input_size = config.input_size
        self.is_lstm = config.returns_cell_state
        self.layers = _shapes.state_layers(config)
        self.hidden_out = _shapes.hidden_output_size(config)
        self.features = _shapes.output_features(config)
        # input shape (or packed layout) -> what the call must look like; only shapes that
        # passed the input checks are stored, so a stored shape needs no further input check
        self._seen: dict[Any, _Expected] = {}
        # the output, h_n and c_n of the last calls, kept only when heads are watched too: a
        # head recognises them, and views of them, by identity. Detached aliases hold the
        # memory (not the autograd graph), so that a view outliving its base's Python object
        # is still recognised; the watch drops them when the outermost model returns
        self.record_states = False
        self.recent: deque[tuple[str, Tensor]] = deque(maxlen=3 * _RECENT_CALLS)
        self.heads: list = []  # the watch's heads: nothing to record for while it is empty

    @property
    def name(self) -> str:
        return self._name if isinstance(self._name, str) else self._name()

    @property
    def description(self) -> str:
        return _describe(self._module, self.config.kind)

    def _remember(self, key: Any, expected: _Expected) -> _Expected:
        if len(self._seen) >= _CACHE_LIMIT:
            self._seen.clear()
        self._seen[key] = expected
        return expected

    # -- before the call -------------------------------------------------------------------

    def check_call(self, args: tuple, kwargs: dict, sizes: Sizes) -> _Expected | None:
        """Check the input and initial state; return what the result must look like."""
        __tracebackhide__ = True
        data = args[0] if args else kwargs.get("input")
        if isinstance(data, Tensor):
            expected = self._seen.get(data.shape)
            if expected is None:
                expected = self._first_sight(data.shape, sizes)
        elif isinstance(data, PackedSequence):
            expected = self._check_packed(data, sizes)
        else:
            return None  # not a tensor: torch's own error is already clear
        state = args[1] if len(args) > 1 else kwargs.get("hx")
        if state is not None:
            self._check_state(state, expected)
        return expected

    def record(self, result: Any) -> None:
        """Remember the tensors of this call's ``(output, h_n)`` or ``(output, (h_n, c_n))``."""
        if not self.heads:
            return
        output, state = result
        hidden, cell = state if isinstance(state, tuple) else (state, None)
        for role, tensor in (("c_n", cell), ("h_n", hidden), ("output", output)):
            if isinstance(tensor, Tensor):
                self.recent.appendleft((role, tensor.detach()))

    def results(self) -> Iterator[tuple[str, Tensor]]:
        """The remembered tensors, newest call first."""
        return iter(self.recent)

    def expected_for(self, args: tuple, kwargs: dict, sizes: Sizes) -> _Expected | None:
        """What the result of a call that passed `check_call` must look like."""
        data = args[0] if args else kwargs.get("input")
        if isinstance(data, Tensor):
            return self._seen.get(data.shape)
        if isinstance(data, PackedSequence):
            return self._check_packed(data, sizes)
        return None

    def _first_sight(self, shape: Any, sizes: Sizes) -> _Expected:
        __tracebackhide__ = True
        rank = len(shape)
        if rank == 3:
            batch, seq = shape[self.batch_axis], shape[self.time_axis]
        elif rank == 2:
            batch, seq = None, shape[0]
        else:
            raise self._input_error(shape, "rank")
        if shape[-1] != self.input_size:
            raise self._input_error(shape, "features")
        if rank == 3 and sizes.batch is not None:
            self._check_layout(shape, sizes)
        return self._remember(shape, _Expected(self.config, batch, seq))

    def _check_layout(self, shape: Any, sizes: Sizes) -> None:
        batch, seq = sizes.batch, sizes.seq
        if seq is not None:
            swapped = (batch != seq and shape[self.batch_axis] == seq
                       and shape[self.time_axis] == batch)
        else:
            swapped = shape[self.time_axis] == batch and shape[self.batch_axis] != batch
        if swapped:
            raise self._layout_error(shape, sizes)

    def _check_packed(self, packed: PackedSequence, sizes: Sizes) -> _Expected:
        data_shape = packed.data.shape
        if len(data_shape) != 2 or data_shape[-1] != self.input_size:
            raise self._input_error(data_shape, "packed")
        steps = packed.batch_sizes.shape[0]
        # batch_sizes lives on the CPU whatever the data's device: no synchronisation
        batch = packed.sorted_indices.shape[0] if packed.sorted_indices is not None else int(packed.batch_sizes[0])
        if (sizes.batch is not None and sizes.seq is not None and sizes.batch != sizes.seq
                and steps == sizes.batch and batch == sizes.seq):
            raise self._packed_layout_error(steps, batch, sizes)
        key = ("packed", data_shape[0], batch)
        expected = self._seen.get(key)
        if expected is None:
            expected = self._remember(key, _Expected(self.config, batch, None))
            expected.output = (data_shape[0], self.features)
        return expected

    def _check_state(self, state: Any, expected: _Expected) -> None:
        __tracebackhide__ = True
        if self.is_lstm:
            if not (isinstance(state, (tuple, list)) and len(state) == 2
                    and isinstance(state[0], Tensor) and isinstance(state[1], Tensor)):
                raise self._state_kind_error(state)
            hidden, cell = state
            if hidden.shape != expected.hidden:
                raise self._state_error("h_0", hidden.shape, expected)
            if cell.shape != expected.cell:
                raise self._state_error("c_0", cell.shape, expected)
        else:
            if not isinstance(state, Tensor):
                raise self._state_kind_error(state)
            if state.shape != expected.hidden:
                raise self._state_error("h_0", state.shape, expected)

    # -- after the call --------------------------------------------------------------------

    def check_result(self, expected: _Expected, result: Any) -> None:
        """Check ``output``, ``h_n`` and ``c_n`` against ``_shapes``, once per input shape."""
        __tracebackhide__ = True
        output, state = result
        # a built module knows all its sizes: each expected shape is a tuple of ints
        assert expected.output is not None and expected.hidden is not None
        label = "output"
        if isinstance(output, PackedSequence):
            output, label = output.data, "output.data"
        if output.shape != expected.output:
            raise self._result_error(label, output.shape, expected.output)
        hidden, cell = state if self.is_lstm else (state, None)
        if hidden.shape != expected.hidden:
            raise self._result_error("h_n", hidden.shape, expected.hidden)
        if cell is not None and cell.shape != expected.cell:
            assert expected.cell is not None  # an LSTM's
            raise self._result_error("c_n", cell.shape, expected.cell)
        expected.verified = True

    # -- messages --------------------------------------------------------------------------

    def _formula(self, what: str, batched: bool) -> str:
        h_out = "proj_size" if _shapes.has_projection(self.config) else "hidden_size"
        if what == "input":
            axes = ["batch", "seq"] if self.config.batch_first else ["seq", "batch"]
            axes = axes if batched else ["seq"]
            return "(" + ", ".join(axes + ["input_size"]) + ")"
        if what == "output.data":
            return f"(sum of lengths, num_directions * {h_out})"
        if what == "output":
            axes = ["batch", "seq"] if self.config.batch_first else ["seq", "batch"]
            axes = axes if batched else ["seq"]
            return "(" + ", ".join(axes + [f"num_directions * {h_out}"]) + ")"
        last = "hidden_size" if what in ("c_0", "c_n") else h_out
        middle = ", batch" if batched else ""
        return f"(num_layers * num_directions{middle}, {last})"

    def layers_line(self) -> str:
        directions = _shapes.num_directions(self.config)
        return (f"{self.description}: num_layers * num_directions = "
                f"{self.config.num_layers} * {directions} = {self.layers}")

    def _input_error(self, shape: Any, problem: str) -> RNNShapeError:
        got = tuple(shape)
        if problem == "rank":
            return _error(
                "RNN008", self.name, f"`{self.name}` got an input of rank {len(got)}",
                f"input: expected {self._formula('input', True)} or, unbatched, "
                f"{self._formula('input', False)}, got {got}",
                self.description,
                "a 3-D batch or a 2-D unbatched sequence is what a recurrent module reads",
                expected=self.input_size, got=got,
            )
        if problem == "packed":
            return _error(
                "RNN008", self.name, f"`{self.name}` got packed data of the wrong width",
                f"input.data: expected (sum of lengths, input_size) = (..., {self.input_size}),"
                f" got {got}",
                self.description,
                f"the sequences were packed with {got[-1]} features per step, the module "
                f"was built for input_size = {self.input_size}",
                expected=self.input_size, got=got,
            )
        expected = got[:-1] + (self.input_size,)
        return _error(
            "RNN008", self.name, f"`{self.name}` got an input of the wrong width",
            f"input: expected {self._formula('input', len(got) == 3)} = {expected}, got {got}",
            self.description,
            f"the module was built with input_size = {self.input_size}, but the data has "
            f"{got[-1]} features per step",
            expected=expected, got=got,
        )

    def _layout_error(self, shape: Any, sizes: Sizes) -> RNNShapeError:
        got = tuple(shape)
        assert self.batch_axis is not None  # a built module says batch_first
        seq = sizes.seq if sizes.seq is not None else got[self.batch_axis]
        expected = _shapes.input_shape(self.config, sizes.batch, seq)
        layout = "batch first" if self.config.batch_first else "sequence first"
        other = "sequence first" if self.config.batch_first else "batch first"
        fix = ("build it with batch_first=False or pass x.transpose(0, 1)"
               if self.config.batch_first else
               "build it with batch_first=True or pass x.transpose(0, 1)")
        return _error(
            "RNN004", self.name, f"`{self.name}` got an input with batch and time swapped",
            f"input: expected {self._formula('input', True)} = {expected} "
            f"(declared batch={sizes.batch}, seq={sizes.seq}), got {got}",
            f"{self.description} reads its input {layout} "
            f"(batch_first={self.config.batch_first})",
            f"the data is {other}: {fix}",
            expected=expected, got=got,
        )

    def _packed_layout_error(self, steps: int, batch: int, sizes: Sizes) -> RNNShapeError:
        return _error(
            "RNN010", self.name, f"`{self.name}` got a sequence packed along the wrong axis",
            f"packed input: expected {sizes.seq} time steps of batch {sizes.batch} "
            f"(declared), got {steps} time steps of batch {batch}",
            self.description,
            "pack_padded_sequence read the padded tensor with the wrong batch_first: pass "
            "the layout the tensor has",
            expected=(sizes.seq, sizes.batch), got=(steps, batch),
        )

    def _state_kind_error(self, state: Any) -> RNNShapeError:
        got = _kind_of(state)
        if self.is_lstm:
            return _error(
                "RNN007", self.name, f"`{self.name}` got an initial state that is not (h_0, c_0)",
                f"hx: expected a tuple (h_0, c_0) of two tensors, got {got}",
                self.description,
                "an LSTM carries two states: pass (h_0, c_0), e.g. the (h_n, c_n) tuple it "
                "returned",
                expected="(h_0, c_0)", got=got,
            )
        return _error(
            "RNN007", self.name, f"`{self.name}` got a tuple where h_0 belongs",
            f"hx: expected one tensor h_0, got {got}",
            self.description,
            f"only an LSTM takes (h_0, c_0); a {self.config.kind} takes h_0 alone",
            expected="h_0", got=got,
        )

    def _state_error(self, label: str, shape: Any, call: _Expected) -> RNNShapeError:
        got = tuple(shape)
        batch = call.batch
        expected = call.hidden if label == "h_0" else call.cell
        assert expected is not None  # a built module knows all its sizes
        return _error(
            "RNN006", self.name, f"`{self.name}` got a wrong initial state",
            f"{label}: expected {self._formula(label, batch is not None)} = {expected}, "
            f"got {got}",
            self.layers_line(),
            self._state_cause(label, got, expected, batch),
            expected=expected, got=got,
        )

    def _state_cause(self, label: str, got: tuple, expected: tuple, batch: int | None) -> str:
        if len(got) != len(expected):
            kind = "unbatched" if batch is None else "batched"
            return (f"an {kind} input takes a {len(expected)}-D {label}, "
                    f"this one is {len(got)}-D")
        if batch is not None and got[0] == batch and got[1] == expected[0]:
            return (f"{label} is laid out batch first; states stay (num_layers * "
                    "num_directions, batch, ...) whatever batch_first says")
        if got[0] != expected[0]:
            if self.config.bidirectional and got[0] == self.config.num_layers:
                return (f"{label} has one slice per layer; a bidirectional module needs one "
                        "per layer and direction (num_layers * 2)")
            return f"the first axis of {label} must count num_layers * num_directions slices"
        if batch is not None and got[1] != expected[1]:
            return f"{label} was made for batch {got[1]}, but the input has batch {batch}"
        if label == "h_0" and _shapes.has_projection(self.config):
            return "with proj_size, h_0 ends in proj_size while c_0 keeps hidden_size"
        return f"the last axis of {label} must be {expected[-1]}"

    def _result_error(self, label: str, shape: Any, expected: tuple) -> RNNShapeError:
        got = tuple(shape)
        formula = self._formula(label, len(expected) == 3)
        return _error(
            "RNN006" if label in ("h_n", "c_n") else "RNN008", self.name,
            f"`{self.name}` returned a {label} of an unexpected shape",
            f"{label}: expected {formula} = {expected}, got {got}",
            self.description,
            f"this torch's nn.{self.config.kind} and rnnlint's shape rules disagree",
            expected=expected, got=got,
        )


_STOCK_CELL_FORWARDS = {getattr(nn, kind).forward for kind in _pytorch.CELL_KINDS}


def cell_config(module: nn.Module) -> _shapes.CellConfig | None:
    """The configuration of a stock ``nn.RNNCell``/``nn.LSTMCell``/``nn.GRUCell`` (or a subclass
    that keeps its forward); None for anything else."""
    if not isinstance(module, nn.RNNCellBase) or type(module).forward not in _STOCK_CELL_FORWARDS:
        return None
    kind = next((kind for kind in _pytorch.CELL_KINDS if isinstance(module, getattr(nn, kind))), None)
    if kind is None:
        return None
    return _shapes.CellConfig(kind=kind, input_size=module.input_size, hidden_size=module.hidden_size)


class CellSpec:
    """One watched recurrent cell: each step's input and state, against ``_shapes``."""

    def __init__(self, module: nn.Module, config: _shapes.CellConfig, name: Name) -> None:
        self.config = config
        self._name = name
        self._module = weakref.ref(module)
        # the last steps' `h'` (and `c'`), kept only when heads are watched, as an RNN's results
        self.record_states = False
        self.recent: deque[tuple[str, Tensor]] = deque(maxlen=2 * _RECENT_CALLS)
        self.heads: list = []

    def record(self, result: Any) -> None:
        """Remember the tensors one step returned: ``h'``, or an LSTMCell's ``(h', c')``."""
        if not self.heads:
            return
        hidden, cell = result if isinstance(result, tuple) and len(result) == 2 else (result, None)
        for role, tensor in (("c", cell), ("h", hidden)):
            if isinstance(tensor, Tensor):
                self.recent.appendleft((role, tensor.detach()))

    def results(self) -> Iterator[tuple[str, Tensor]]:
        """The remembered tensors, newest step first."""
        return iter(self.recent)

    @property
    def name(self) -> str:
        return self._name if isinstance(self._name, str) else self._name()

    @property
    def description(self) -> str:
        return _describe(self._module, self.config.kind)

    def check_call(self, args: tuple, kwargs: dict, sizes: Sizes) -> None:
        """Check the input and the state of one step; nothing is left to check after it."""
        __tracebackhide__ = True
        data = args[0] if args else kwargs.get("input")
        if not isinstance(data, Tensor):
            return  # torch's own error is clear
        shape = tuple(data.shape)
        known, batch = _shapes.step_batch(shape)
        if not known:
            raise self._input_error(shape, None)
        if shape[-1] != self.config.input_size:
            raise self._input_error(shape, batch)
        if batch is not None and sizes.batch is not None and sizes.seq is not None \
                and sizes.batch != sizes.seq and batch == sizes.seq:
            raise self._time_as_batch_error(shape, sizes)
        state = args[1] if len(args) > 1 else kwargs.get("hx")
        if state is None:
            return  # a zero state of the right shape
        expected = _shapes.step_state_shape(self.config, batch)
        if self.config.takes_state_pair:
            if not (isinstance(state, (tuple, list)) and len(state) == 2
                    and isinstance(state[0], Tensor) and isinstance(state[1], Tensor)):
                raise self._state_kind_error(state)
            for label, tensor in zip(("h", "c"), state, strict=True):
                if tuple(tensor.shape) != expected:
                    raise self._state_error(label, tuple(tensor.shape), expected, batch)
        else:
            if not isinstance(state, Tensor):
                raise self._state_kind_error(state)
            if tuple(state.shape) != expected:
                raise self._state_error("h", tuple(state.shape), expected, batch)

    def _input_error(self, got: tuple, batch: int | None) -> RNNShapeError:
        batched = len(got) != 1
        formula = "(batch, input_size)" if batched else "(input_size,)"
        if len(got) not in _shapes.CELL_RANKS:
            return _error(
                "RNN008", self.name, f"`{self.name}` got an input of rank {len(got)}",
                f"input: expected (batch, input_size) or, unbatched, (input_size,), got {got}",
                self.description,
                "a cell reads one time step: index the sequence at t (x[:, t] batch first, x[t] "
                "sequence first), or use the recurrent module it is a step of",
                expected=self.config.input_size, got=got,
            )
        expected = _shapes.step_input_shape(self.config, batch if batched else None)
        return _error(
            "RNN008", self.name, f"`{self.name}` got an input of the wrong width",
            f"input: expected {formula} = {expected}, got {got}",
            self.description,
            f"the cell was built with input_size = {self.config.input_size}, but the step has "
            f"{got[-1]} features",
            expected=expected, got=got,
        )

    def _time_as_batch_error(self, got: tuple, sizes: Sizes) -> RNNShapeError:
        return _error(
            "RNN012", self.name, f"`{self.name}` got a step whose batch axis is time",
            f"input: expected (batch, input_size) = ({sizes.batch}, {self.config.input_size}), got {got}: "
            f"the leading axis has size seq = {sizes.seq} (declared)",
            self.description,
            "the step loop walks the batch axis as time: x[t] of a batch-first tensor is sample t's "
            "whole sequence; step along time with x[:, t] (range(x.size(1)))",
            expected=(sizes.batch, self.config.input_size), got=got,
        )

    def _state_kind_error(self, state: Any) -> RNNShapeError:
        got = _kind_of(state)
        if self.config.takes_state_pair:
            return _error(
                "RNN007", self.name, f"`{self.name}` got a state that is not (h, c)",
                f"hx: expected a tuple (h, c) of two tensors, got {got}",
                self.description,
                "an LSTMCell takes and returns (h, c): pass the pair it returned, "
                "h, c = cell(x, (h, c))",
                expected="(h, c)", got=got,
            )
        return _error(
            "RNN007", self.name, f"`{self.name}` got a tuple where h belongs",
            f"hx: expected one tensor h, got {got}",
            self.description,
            f"only an LSTMCell takes (h, c); a {self.config.kind} takes h alone",
            expected="h", got=got,
        )

    def _state_error(self, label: str, got: tuple, expected: tuple, batch: int | None) -> RNNShapeError:
        formula = "(batch, hidden_size)" if batch is not None else "(hidden_size,)"
        if len(got) == 3:
            cause = (f"{label} is shaped like an RNN's state, (num_layers * num_directions, batch, "
                     "hidden_size); a cell's state has no layers axis: take the last layer, h_n[-1]")
        elif len(got) != len(expected):
            cause = f"a {'batched' if batch is not None else 'unbatched'} step takes a {len(expected)}-D {label}"
        elif batch is not None and got[0] != batch:
            cause = f"{label} was made for batch {got[0]}, but the step has batch {batch}"
        else:
            cause = f"the last axis of {label} must be hidden_size = {self.config.hidden_size}"
        return _error(
            "RNN006", self.name, f"`{self.name}` got a wrong state",
            f"{label}: expected {formula} = {expected}, got {got}",
            self.description, cause, expected=expected, got=got,
        )


class PerLayer:
    """A head's input that still holds one row per layer and direction (``h_n`` or ``c_n``
    whole). Whether the head's result is wrong depends on where it goes: indexed, pooled or
    handed to an RNN as its initial state it is fine, returned as the model's result it is
    not. The watch judges it when the model returns."""

    __slots__ = ("got", "head", "line", "rnn", "role")

    def __init__(self, head: LinearSpec, rnn: RecurrentSpec, role: str, got: tuple) -> None:
        self.head, self.rnn, self.role, self.got = head, rnn, role, got
        self.line = user_line()  # the error is raised later, when the model returns

    def error(self) -> RNNShapeError:
        where = f" (the head was called at {self.line})" if self.line else ""
        if self.role == "c_n":
            return self.head._cell_state_error(self.got, self.rnn, where)
        return self.head._whole_state_error(self.got, self.rnn, where)


class LinearSpec:
    """A watched ``nn.Linear``: the head of a recurrent model. It recognises the results of
    the watch's recurrent modules, and views of them, by identity; with sizes declared it
    also judges tensors the model computed from them by their shape."""

    def __init__(self, module: nn.Linear, name: Name, recurrent: list[RecurrentSpec],
                 cells: list[CellSpec] | None = None) -> None:
        self._name = name
        self._module = weakref.ref(module)
        # the watch's recurrent modules and cells, shared: modules added later are seen too
        self.recurrent = recurrent
        self.cells: list[CellSpec] = [] if cells is None else cells

    @property
    def watches_any(self) -> bool:
        """Whether there is a recurrent module or cell whose results this head may be fed."""
        return bool(self.recurrent or self.cells)

    def recognise_step(self, data: Tensor) -> tuple[CellSpec, str] | None:
        """The cell whose last steps' ``h'`` or ``c'`` ``data`` is, or is a view of."""
        for spec in self.cells:
            for role, base in spec.results():
                if view_axes(data, base) is not None:
                    return spec, role
        return None

    @property
    def name(self) -> str:
        return self._name if isinstance(self._name, str) else self._name()

    @property
    def description(self) -> str:
        return _describe(self._module, "Linear")

    @property
    def in_features(self) -> int:
        # read on each call: an nn.LazyLinear learns it on its first call
        module = self._module()
        return -1 if module is None else module.in_features

    def recognise(self, data: Tensor) -> tuple[RecurrentSpec, str, Tensor, list] | None:
        """The recurrent result ``data`` is, or is a view of: module, role, tensor, axes."""
        for spec in self.recurrent:
            for role, base in spec.results():
                axes = view_axes(data, base)
                if axes is not None:
                    return spec, role, base, axes
        return None

    def check_call(self, args: tuple, kwargs: dict, sizes: Sizes) -> PerLayer | None:
        """Raise on an input that is certainly wrong; return the per-layer inputs whose
        verdict waits for the model's result."""
        __tracebackhide__ = True
        data = args[0] if args else kwargs.get("input")
        if not isinstance(data, Tensor) or not self.watches_any:
            return None
        if isinstance(self._module(), LazyModuleMixin):
            return None  # not built yet: its input decides its in_features
        shape = data.shape
        rank = len(shape)
        if rank == 0:
            return None
        found = self.recognise(data)
        features = shape[-1]
        if features != self.in_features:
            # torch raises anyway: name the recurrent module the input comes from
            if found is not None and found[1] != "c_n":
                raise self._width_error(tuple(shape), found[0])
            step = self.recognise_step(data)
            if step is not None and step[1] == "h":
                raise self._cell_width_error(tuple(shape), step[0])
            source = self._source_of(features) if sizes.batch is not None else None
            if source is not None:
                raise self._width_error(tuple(shape), source)
            return None
        if found is not None:
            return self._judge_result(data, *found)
        # not a result itself: a tensor the model computed from one, judged by declared sizes
        batch, seq = sizes.batch, sizes.seq
        if batch is None:
            return None
        if rank == 3 and shape[1] == batch and shape[0] != batch and shape[0] != seq:
            for spec in self.recurrent:
                if (shape[0] == spec.layers != 1
                        and features in (spec.hidden_out, spec.config.hidden_size)):
                    return PerLayer(self, spec, "h_n", tuple(shape))
        elif rank == 2 and seq is not None and shape[0] == seq and seq != batch:
            for spec in self.recurrent:
                if features in (spec.features, spec.hidden_out):
                    raise self._time_indexed_error(tuple(shape), spec, batch, seq)
        return None

    def _judge_result(self, data: Tensor, spec: RecurrentSpec, role: str, base: Tensor,
                      axes: list) -> PerLayer | None:
        __tracebackhide__ = True
        if base.dim() != 3:
            return None  # unbatched: no batch axis to confuse
        if role in ("h_n", "c_n"):
            if spec.layers != 1 and data.dim() == 3 and _whole(axes, base):
                return PerLayer(self, spec, role, tuple(data.shape))
            return None  # h_n[-1], h_n[-2]: one layer and direction
        batch_axis, time_axis = spec.batch_axis, spec.time_axis
        if batch_axis is None or time_axis is None:
            return None
        batch, steps = base.shape[batch_axis], base.shape[time_axis]
        index, _, kept = axes[batch_axis]
        # one sample's whole sequence: the first or last batch element where a time step was meant
        if (data.dim() == 2 and kept is None and batch > 1 and steps > 1
                and index in (0, batch - 1) and axes[time_axis][:2] == (0, steps)
                and axes[2][:2] == (0, base.shape[2])):
            raise self._time_indexed_error(tuple(data.shape), spec, batch, steps)
        return None

    def _source_of(self, features: int) -> RecurrentSpec | None:
        candidates = [spec for spec in self.recurrent
                      if features in (spec.features, spec.hidden_out)]
        for spec in candidates:
            if self.in_features in (spec.features, spec.hidden_out):
                return spec
        return candidates[0] if candidates else None

    def _width_error(self, got: tuple, spec: RecurrentSpec) -> RNNShapeError:
        features = got[-1]
        h_out = "proj_size" if _shapes.has_projection(spec.config) else "hidden_size"
        directions = _shapes.num_directions(spec.config)
        if features == spec.features and directions == 2:
            source = (f"bidirectional `{spec.name}`, which outputs num_directions * {h_out} = "
                      f"2 * {spec.hidden_out} = {spec.features} features")
            cause = f"give the head in_features = {spec.features}"
            if self.in_features == spec.hidden_out:
                cause = f"the head was built for one direction; {cause}"
        elif features == spec.hidden_out and self.in_features == spec.features:
            source = (f"`{spec.name}`, which has {spec.hidden_out} features per direction, "
                      f"{spec.features} for both")
            cause = ("the head receives one direction's state: concatenate both, e.g. "
                     "torch.cat((h_n[-2], h_n[-1]), dim=1)")
        else:
            source = f"`{spec.name}`, which produces {features} features"
            cause = f"give the head in_features = {features}"
        return _error(
            "RNN001", self.name, f"`{self.name}` got an input of the wrong width",
            f"input: expected (..., in_features) = (..., {self.in_features}), got {got}",
            f"{self.description} after {source}",
            cause,
            expected=self.in_features, got=got,
        )

    def _cell_width_error(self, got: tuple, spec: CellSpec) -> RNNShapeError:
        hidden = spec.config.hidden_size
        cause = f"give the head in_features = {hidden}"
        if self.in_features == 2 * hidden:
            cause = f"a cell steps one direction: {cause}"
        return _error(
            "RNN001", self.name, f"`{self.name}` got an input of the wrong width",
            f"input: expected (..., in_features) = (..., {self.in_features}), got {got}",
            f"{self.description} after `{spec.name}`, whose state h' has hidden_size = {hidden} features",
            cause,
            expected=self.in_features, got=got,
        )

    def _whole_state_error(self, got: tuple, spec: RecurrentSpec, where: str) -> RNNShapeError:
        batch = got[1]
        return _error(
            "RNN002", self.name, f"`{self.name}` got the whole final state of `{spec.name}`",
            f"input: expected (batch, in_features) = ({batch}, {self.in_features}), "
            f"got {got}, laid out like h_n: (num_layers * num_directions, batch, H_out), "
            f"and the model returned the head's per-layer result{where}",
            spec.layers_line(),
            "the head makes one prediction per layer and direction: feed h_n[-1] (or both "
            "directions of the last layer) instead of h_n",
            expected=(batch, self.in_features), got=got,
        )

    def _cell_state_error(self, got: tuple, spec: RecurrentSpec, where: str) -> RNNShapeError:
        batch = got[1]
        return _error(
            "RNN007", self.name, f"`{self.name}` got c_n of `{spec.name}`",
            f"input: expected (batch, in_features) = ({batch}, {self.in_features}), "
            f"got {got}, which is c_n: (num_layers * num_directions, batch, hidden_size), "
            f"and the model returned the head's per-layer result{where}",
            f"{spec.description} returns (output, (h_n, c_n))",
            "indexing that tuple (hidden[-1]) picks c_n, not the last layer of h_n: unpack "
            "_, (h_n, c_n) = lstm(x) and use h_n[-1] (a head meant for the cell state still "
            "takes one layer: c_n[-1])",
            expected=(batch, self.in_features), got=got,
        )

    def _time_indexed_error(self, got: tuple, spec: RecurrentSpec,
                            batch: int | None, seq: int | None) -> RNNShapeError:
        layout = "batch first" if spec.config.batch_first else "sequence first"
        index = "out[-1]" if not spec.config.batch_first else "out[:, -1]"
        return _error(
            "RNN004", self.name, f"`{self.name}` got a tensor whose leading axis is time",
            f"input: expected (batch, features) = ({batch}, {self.in_features}), "
            f"got {got}: the leading axis has size seq = {seq}",
            f"{spec.description} returns output {layout} "
            f"(batch_first={spec.config.batch_first})",
            f"an index like out[:, -1] took the last batch element, not the last time "
            f"step: use {index}",
            expected=(batch, self.in_features), got=got,
        )


def view_axes(view: Tensor, base: Tensor) -> list[tuple[int, int, int | None]] | None:
    """How ``view`` reads ``base``'s memory, or None when it is not a strided window of it.

    One triple per axis of ``base``: the first index read, how many indices, and the axis of
    ``view`` that walks them (None for an axis fixed at one index). Reads pointers, sizes
    and strides only: no data, no device synchronisation. ``base`` is alive (its caller holds
    it), so no other allocation can sit in its memory.
    """
    if view.dtype != base.dtype or view.device != base.device or view.layout != base.layout:
        return None
    try:
        origin, target = base.data_ptr(), view.data_ptr()
        strides, view_strides = base.stride(), view.stride()
    except (RuntimeError, NotImplementedError):  # sparse, meta or other storage-less tensors
        return None
    sizes = tuple(base.shape)
    item = base.element_size()
    if origin == 0 or base.numel() == 0 or (target - origin) % item:
        return None
    rest = (target - origin) // item
    walked: dict[int, tuple[int, int]] = {}
    for axis, (size, stride) in enumerate(zip(view.shape, view_strides, strict=True)):
        if size == 1:
            continue
        matches = [i for i, (n, s) in enumerate(zip(sizes, strides, strict=True))
                   if s == stride and n > 1 and i not in walked]
        if len(matches) != 1:
            return None
        walked[matches[0]] = (axis, size)
    first = [0] * len(sizes)
    for i in sorted(range(len(sizes)), key=lambda i: -strides[i]):
        if sizes[i] > 1 and strides[i] > 0:
            first[i], rest = divmod(rest, strides[i])
    if rest != 0:
        return None
    axes = []
    for i, size in enumerate(sizes):
        kept, count = walked.get(i, (None, 1))
        if first[i] < 0 or first[i] + count > size:
            return None
        axes.append((first[i], count, kept))
    return axes


def _whole(axes: list, base: Tensor) -> bool:
    """Every element of ``base``, axes in their order (squeezed or unsqueezed at most)."""
    order = [kept for (first, count, kept), size in zip(axes, base.shape, strict=True)
             if size > 1 and first == 0 and count == size]
    if None in order or len(order) != sum(1 for size in base.shape if size > 1):
        return False
    return order == sorted(order)


def _describe(reference: weakref.ref, fallback: str) -> str:
    module = reference()
    return fallback if module is None else repr(module)


def nothing() -> None:
    return None


def _kind_of(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, (tuple, list)):
        parts = ", ".join(_kind_of(item) for item in value)
        return f"a {type(value).__name__} of {len(value)}: ({parts})"
    return type(value).__name__


def _error(rule: str, module: str, headline: str, check: str, configuration: str,
           cause: str, *, expected: Any, got: Any) -> RNNShapeError:
    message = "\n".join((
        f"{headline}",
        f"  {check}",
        f"  module: {configuration}",
        f"  likely cause: {cause}",
        f"  see: rnnlint rule {rule}",
    ))
    return RNNShapeError(message, rule=rule, module=module, expected=expected, got=got)
