"""RNN012: a step loop that walks the batch axis as if it were time."""

from __future__ import annotations

from typing import ClassVar

from .._analysis import (
    BATCH,
    CELL_KINDS,
    EQUAL,
    TIME,
    UNKNOWN,
    CellCall,
    IndexEllipsis,
    IndexInt,
    IndexSlice,
    Opaque,
    PadSequence,
    Poly,
    RnnCall,
    StepLoop,
    Tensor,
    TensorSubscript,
    TupleValue,
    Unknown,
    axis_of,
    axis_symbol,
    cases,
    compare,
    merge_guards,
    rnn_configs,
    split_flag,
    takes_axis,
)
from .._shapes import batch_axis
from .._source import Span
from ._base import Invalid, Rule
from ._util import layer_label, layers_in, show, source_of, when


class StepLoopOverBatch(Rule):
    """
    ## What it does
    Checks for a step loop (`for t in range(n)`) feeding a recurrent cell, or an RNN called one
    step at a time, that walks the batch axis as if it were time. Either the loop counts the
    axis the cell takes as its batch (`range(x.size(0))` while the step is `x[:, t]`), or `t`
    indexes the batch axis of a tensor whose layout the code states (`x[t]` of a batch-first
    RNN's output, whose rows are samples, or `padded[:, t]` of a `pad_sequence` that pads
    sequence first, fed to the step as it is). Where the layout is not known, nothing is
    reported.

    ## Why is this bad?
    Nothing raises when the sizes allow it. A loop bounded by the batch size reads as many
    time steps as there are samples: with fewer samples than steps the end of every sequence
    is never read, with more it fails only on some batches. A loop that indexes samples
    feeds one sample's whole sequence to the cell as if it were a batch, and carries the
    state from one sample to the next: each sample's result depends on the other samples.

    ## Example
    ```python
    h = x.new_zeros(x.size(0), self.hidden)  # x: (batch, seq, features)
    for t in range(x.size(0)):
        h = self.cell(x[:, t], h)
    ```

    ## Use instead
    ```python
    h = x.new_zeros(x.size(0), self.hidden)  # x: (batch, seq, features)
    for t in range(x.size(1)):
        h = self.cell(x[:, t], h)
    ```

    ## Fix safety
    No fix is offered: which axis is time is the author's to say (`x.size(1)`, or
    `x.unbind(1)` in the loop).
    """

    CODE = "RNN012"
    NAME = "step-loop-over-batch"
    MESSAGE = "`{loop}` steps over the batch axis as time: {evidence}{condition}"

    VALID: ClassVar[list[str]] = [
        # a time-major tensor: `range(seq_len)` counts the axis `x[t]` indexes, and the cell's
        # batch is the other one
        """
import torch
import torch.nn as nn

class TimeMajor(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(4, hidden)

    def forward(self, x):
        seq_len, batch = x.size(0), x.size(1)
        h = x.new_zeros(batch, self.hidden)
        for t in range(seq_len):
            h = self.cell(x[t], h)
        return h
""",
        # batch first, stepped along axis 1 with `x[:, t]`
        """
import torch.nn as nn

class BatchFirst(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(4, hidden)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, x):
        h = c = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.fc(h)
""",
        # the steps taken with unbind: no counter at all
        """
import torch.nn as nn

class Unbound(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.RNNCell(4, hidden)

    def forward(self, x):
        h = x.new_zeros(x.size(0), self.hidden)
        for step in x.unbind(1):
            h = self.cell(step, h)
        return h
""",
        # the layout is not known: `x[t]` with `range(x.size(0))` may well be time-major
        """
import torch.nn as nn

class Unknown(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.cell = nn.GRUCell(4, hidden)

    def forward(self, x, h):
        for t in range(x.size(0)):
            h = self.cell(x[t], h)
        return h
""",
        # one sample at a time on purpose: the counter indexes the axis it counts
        """
import torch.nn as nn

class PerSample(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.gru = nn.GRU(4, hidden, batch_first=True)

    def forward(self, x):
        finals = []
        for i in range(x.size(0)):
            _, h_n = self.gru(x[i : i + 1])
            finals.append(h_n[-1])
        return finals
""",
        # a one-step RNN stepped along time
        """
import torch.nn as nn

class OneStep(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.gru = nn.GRU(4, hidden, batch_first=True)

    def forward(self, x):
        h = None
        for t in range(x.size(1)):
            _, h = self.gru(x[:, t : t + 1], h)
        return h[-1]
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # `pad_sequence` pads sequence first: `padded[:, t]` is sample `t`'s padded steps
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

class PaddedCellReader(nn.Module):
    def __init__(self, hidden=6):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(3, hidden)

    def forward(self, sequences):
        padded = pad_sequence(sequences)
        h = padded.new_zeros(len(sequences), self.hidden)
        for t in range(padded.size(1)):  # expect: RNN012:9
            h = self.cell(padded[:, t], h)
        return h
"""
        ),
        Invalid(
            """
import torch.nn as nn

class CellEncoder(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(4, hidden)
        self.fc = nn.Linear(hidden, 3)

    def forward(self, x):
        h = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(0)):  # expect: RNN012:9
            h = self.cell(x[:, t], h)
        return self.fc(h)
"""
        ),
        # `len(x)` of a batch-first tensor is its batch size
        Invalid(
            """
import torch.nn as nn

class Stepwise(nn.Module):
    def __init__(self, hidden=7):
        super().__init__()
        self.gru = nn.GRU(5, hidden, batch_first=True)

    def forward(self, x):
        h = None
        for t in range(len(x)):  # expect: RNN012:9
            _, h = self.gru(x[:, t : t + 1], h)
        return h[-1]
"""
        ),
        # the state is sized by the batch, `x.size(0)`, and `t` walks that axis (the step's
        # batch then differs from the state's: RNN006 too)
        Invalid(
            """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(4, hidden)

    def forward(self, x):
        h = c = torch.zeros(x.size(0), self.hidden)  # expect: RNN006:17
        for t in range(x.size(0)):  # expect: RNN012:9
            h, c = self.cell(x[t], (h, c))
        return h
"""
        ),
        # rows of a batch-first RNN's output are samples: `enc[t]` is one sample's sequence
        Invalid(
            """
import torch.nn as nn

class Summarizer(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.encoder = nn.GRU(4, hidden, batch_first=True)
        self.cell = nn.GRUCell(hidden, hidden)

    def forward(self, x):
        enc, _ = self.encoder(x)
        h = None
        for t in range(enc.size(0)):  # expect: RNN012:9
            h = self.cell(enc[t], h)
        return h
"""
        ),
    ]

    def check(self, context):
        padded = {id(event.result): event for _, event in context.facts.of(PadSequence)}
        for scope, loop in context.facts.of(StepLoop):
            target = getattr(loop.node.target, "id", "t")
            text = f"for {target} in {source_of(loop.node.iter)}"
            for evidence in _evidence(loop, scope.aliases, padded):
                node = loop.node
                span = Span(node.lineno, node.col_offset, node.iter.end_lineno or node.lineno,
                            node.iter.end_col_offset or node.col_offset)
                yield self.report(span, loop=text, evidence=evidence.replace("{t}", target),
                                  condition=when(loop.guard),
                                  help="step along the time axis: `range(x.size(1))` with `x[:, t]` for a batch-first "
                                       "tensor, `range(x.size(0))` with `x[t]` for a sequence-first one")
                break


def _evidence(loop: StepLoop, aliases: dict, padded: dict):
    """A sentence for each way the loop certainly walks the batch axis."""
    steps = [(event.tensor, axis, source_of(event.node.value)) for event in loop.body
             if isinstance(event, TensorSubscript) for axis in _counted_axes(event, loop.counter)]
    calls = [event for event in loop.body if isinstance(event, (CellCall, RnnCall))]
    # `t` picks a sample of a `pad_sequence` result whose layout the call states, and that very
    # slice is what the step is fed: one sample's padded steps taken as a batch
    for event in loop.body:
        if not isinstance(event, TensorSubscript) or event.result is None:
            continue
        pad = padded.get(id(event.tensor))
        if pad is None or pad.result is not event.tensor:
            continue
        flag = _stated_layout(pad, loop.guard)
        if flag is None or (1 if not flag else 0) not in _counted_axes(event, loop.counter):
            continue
        fed = [call for call in calls if call.input is event.result]
        if fed:
            yield (f"`{{t}}` indexes the batch axis of `{source_of(event.node.value)}` (`{source_of(pad.node.func)}` "
                   f"with `batch_first={flag}` lays it out {'(batch, seq, *)' if flag else '(seq, batch, *)'}), "
                   f"so {_label(fed[0])} is fed one sample's time steps as its batch")
            return
    for tensor, axis, name in steps:
        counted = _size(tensor, axis)
        for call in calls:
            label = _label(call)
            for batch in _step_batches(call):
                # the loop counts the axis the step takes as its batch, and `t` indexes another one
                bound_axis = _axis_with_size(tensor, loop.bound)
                if bound_axis is not None and bound_axis != axis and _equal(batch, loop.bound) \
                        and not _equal(counted, loop.bound):
                    yield (f"{label} takes {show(batch, aliases)}, axis {bound_axis} of `{name}`, as its batch, "
                           f"but `{{t}}` indexes axis {axis}")
                    return
                # `t` indexes the axis whose size is the batch of the state the step carries, and
                # the step is fed a batch of another size
                state = _state_batch(call)
                if _equal(state, counted) and isinstance(batch, Poly) and not _equal(batch, counted):
                    yield (f"`{{t}}` indexes axis {axis} of `{name}`, whose size {show(counted, aliases)} is the "
                           f"batch of the state {label} carries")
                    return
                # `t` indexes the rows of a tensor laid out batch first: one sample's sequence is fed as a batch
                if tensor.role(axis) == BATCH and any(tensor.role(other) == TIME and _equal(batch, _size(tensor, other))
                                                     for other in range(len(tensor.shape or ()))):
                    yield (f"`{{t}}` indexes the batch axis of `{name}` {show(tensor, aliases)}, so {label} "
                           "is fed one sample's time steps as its batch")
                    return


def _stated_layout(pad: PadSequence, guard: frozenset) -> bool | None:
    """The one `batch_first` a `pad_sequence` states on the loop's path, literal or its default;
    None when the configuration or a branch the analysis cannot evaluate decides it."""
    flags = list(split_flag(pad.batch_first, merge_guards(guard, pad.guard) or guard))
    if len(flags) != 1 or flags[0][1] is None or any(isinstance(atom, Opaque) for atom, _ in pad.guard):
        return None
    return flags[0][1]


def _counted_axes(event: TensorSubscript, counter):
    """The axis of the subscripted tensor that the loop's counter indexes (`x[:, t]`, `x[:, t:t + 1]`)."""
    axis = 0
    for item in event.items:
        if isinstance(item, IndexEllipsis):
            return
        if (isinstance(item, IndexInt) and item.value == counter) \
                or (isinstance(item, IndexSlice) and item.lower == counter):
            yield axis
        if takes_axis(item):
            axis += 1


def _size(tensor: Tensor, axis: int):
    if tensor.shape is not None:
        return tensor.shape[axis] if axis < len(tensor.shape) else UNKNOWN
    return axis_symbol(tensor.key, axis) if tensor.key else UNKNOWN


def _axis_with_size(tensor: Tensor, size) -> int | None:
    """Which axis of ``tensor`` ``size`` is the size of: ``x.size(1)`` of the same tensor."""
    named = axis_of(size)
    if named is not None and tensor.key is not None and named.key == tensor.key:
        return named.index
    if tensor.shape is not None:
        found = [axis for axis, dim in enumerate(tensor.shape) if _equal(dim, size)]
        return found[0] if len(found) == 1 else None
    return None


def _equal(first, second) -> bool:
    return isinstance(first, Poly) and isinstance(second, Poly) and first.constant is None \
        and compare(first, second).verdict == EQUAL


def _step_batches(call):
    """The batch of what one step is fed, where it is known."""
    if isinstance(call, CellCall):
        state_batched = any(_two_axes(state) for _, state in cases(call.hx)) if call.hx is not None else False
        for _, fed in cases(call.input, call.guard):
            if isinstance(fed, Tensor) and fed.shape is not None and len(fed.shape) == 2:
                yield fed.shape[0]
            elif isinstance(fed, Tensor) and fed.shape is None and not isinstance(fed.lead, Unknown) and state_batched:
                yield fed.lead  # a two-axis state: the input has two axes too
        return
    for guard, rnn in layers_in(call.rnn, call.guard):
        for config_guard, config in rnn_configs(rnn, guard):
            axis = batch_axis(config)
            for _, fed in cases(call.input, config_guard):
                if not isinstance(fed, Tensor) or axis is None:
                    continue
                if fed.shape is not None and len(fed.shape) == 3:
                    yield fed.shape[axis]
                elif fed.shape is None and axis == 0 and not isinstance(fed.lead, Unknown):
                    yield fed.lead


def _state_batch(call):
    """The batch of the state a step is given (`(batch, hidden)` for a cell, axis 1 of an RNN's
    `h_0`), where exactly one is known."""
    if call.hx is None:
        return UNKNOWN
    found = set()
    for _, state in cases(call.hx, call.guard):
        first = state.items[0] if isinstance(state, TupleValue) and state.items else state
        if not isinstance(first, Tensor) or first.shape is None:
            return UNKNOWN
        rank = 2 if isinstance(call, CellCall) else 3
        if len(first.shape) != rank:
            return UNKNOWN
        found.add(first.shape[rank - 2])
    return found.pop() if len(found) == 1 else UNKNOWN


def _two_axes(state) -> bool:
    first = state.items[0] if isinstance(state, TupleValue) and state.items else state
    return isinstance(first, Tensor) and first.shape is not None and len(first.shape) == 2


def _label(call) -> str:
    layer = call.cell if isinstance(call, CellCall) else call.rnn
    found = next((case for _, case in layers_in(layer, call.guard, None)), None)
    if found is None:
        return "the step"
    return layer_label(found) + (" (one step at a time)" if found.kind not in CELL_KINDS else "")
