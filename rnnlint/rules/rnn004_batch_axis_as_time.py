"""RNN004: a time-step selection or a pooling applied to the batch axis of an RNN's output."""

from __future__ import annotations

import ast
from typing import ClassVar

from .._analysis import (
    BATCH,
    EQUAL,
    TIME,
    IndexEllipsis,
    IndexInt,
    IndexNone,
    IndexTensor,
    Layer,
    Opaque,
    Poly,
    Reduce,
    RnnCall,
    StepLoop,
    Tensor,
    TensorSubscript,
    Unknown,
    Value,
    as_int,
    axis_of,
    cases,
    compare,
    inputs_of,
    split_flag,
    takes_axis,
    tensors_within,
)
from ._base import Invalid, Rule
from ._util import layer_label, show_shape, source_of, when

POOLINGS = {"mean", "sum", "max", "min", "amax", "amin", "logsumexp", "prod", "median", "nanmean", "nansum"}


class BatchAxisAsTime(Rule):
    """
    ## What it does
    Checks for a first/last time-step selection (`out[:, -1]`, `out[-1]`, `out[:, 0]`) or a
    pooling (`mean`, `sum`, `max` with `dim=`) that lands on the batch axis of an RNN's
    output, including a sequence padded back by `pad_packed_sequence`. It also checks an RNN
    fed a `pad_sequence` result unpacked (or an embedding of one, which keeps its two axes) in
    the other layout than the padding states (also the batches of a `DataLoader` whose
    `collate_fn`, a function of the project, pads them, where a loop over the loader hands them
    to the model, and the batches of a torchtext iterator over a dataset built with a legacy
    `Field`, whose `batch_first` states the layout of `batch.text`): `pad_sequence(seqs)` pads
    sequence first, and a batch-first RNN given it reads each time step as a sample. A reduction with
    `keepdim=True` is left alone: it keeps the axis for statistics that broadcast back
    (recurrent batch normalisation), where a pooling for a prediction drops it. A selection
    of one sample is left alone where the code also reads the same output along its time axis
    (`out[-1]`) and the sample goes nowhere the analysis follows (its states kept on `self` for
    a plot), and so is a batch known to hold one sample (`seq[:, None]` given to a
    sequence-first RNN).

    A selection of one step per sample, `out[torch.arange(batch), lengths - 1]`, is checked
    too: the positions of the batch must index the batch axis, not the time axis.

    It also checks a step loop, `for t in range(x.size(1))`, that carries an RNN's state from
    one step to the next while the RNN reads another axis of `x` as its time (`x[:, t]
    .unsqueeze(1)`, `(batch, 1, features)`, given to a sequence-first RNN): the loop says which
    axis is time, and the call reads the batch in its place.

    ## Why is this bad?
    An RNN's output is `(seq, batch, features)` unless `batch_first=True`. On a
    sequence-first output, `out[:, -1]` is the last *sample* of the batch at every time
    step, and `out.mean(dim=1)` averages over samples. Both run without error; the model
    trains on the wrong data and each prediction depends on other samples in the batch.

    ## Example
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size)  # sequence first
    ...
    out, _ = self.lstm(x)
    last = out[:, -1, :]
    ```

    ## Use instead
    ```python
    out, _ = self.lstm(x)
    last = out[-1]  # or build the LSTM with batch_first=True
    ```

    ## Fix safety
    No fix: whether the layout or the indexing is wrong depends on how the data is fed.
    """

    CODE = "RNN004"
    NAME = "batch-axis-as-time"
    MESSAGE = "{operation} {problem}{condition}"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 32, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :]) + self.fc(out.mean(dim=1))
""",
        """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 32)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        out, _ = self.gru(x)
        pooled, _ = out.max(dim=0)
        return self.fc(out[-1]) + self.fc(pooled)
""",
        """
import torch.nn as nn

class PerSample(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 32)

    def forward(self, x):
        out, _ = self.gru(x)
        return [out[:, b] for b in range(out.size(1))]
""",
        """
import torch
import torch.nn as nn

class StepTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6)

    def forward(self, x):
        # x: (batch, seq, features); each step is fed as (1, batch, features)
        state, steps = None, []
        for t in range(x.size(1)):
            out, state = self.lstm(x[:, t].unsqueeze(0), state)
            steps.append(out)
        return torch.cat(steps, dim=0)
""",
        """
import torch
import torch.nn as nn

class LastStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6)
        self.lstm = nn.LSTM(4, 6, batch_first=True)

    def forward(self, x, lengths):
        # x: (seq, batch, features); one step per sample, the batch's positions on the batch axis
        out, _ = self.gru(x)
        first = out[lengths - 1, torch.arange(x.size(1))]
        states, _ = self.lstm(x.transpose(0, 1))
        second = states[torch.arange(states.size(0)).to(x.device), lengths - 1]
        steps = out[torch.arange(out.size(0)), 0]  # the positions of the time axis itself
        return first + second + steps
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # `pad_sequence` pads sequence first unless told otherwise; the LSTM reads batch first
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.lstm = nn.LSTM(4, 5, batch_first=True)

    def forward(self, sequences):
        tokens = pad_sequence(sequences)
        out, _ = self.lstm(self.embedding(tokens))  # expect: RNN004:18
        return out[:, -1]
"""
        ),
        # the loader's collate function pads sequence first; the GRU reads its batches batch first
        Invalid(
            """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    return pad_sequence([torch.tensor(sample) for sample in batch])


class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5, batch_first=True)

    def forward(self, tokens):
        out, _ = self.gru(self.embedding(tokens))  # expect: RNN004:18
        return out[:, -1]


def read(samples):
    model = Reader()
    return [model(tokens) for tokens in DataLoader(samples, batch_size=3, collate_fn=collate)]
"""
        ),
        # torchtext's `Field(batch_first=True)` yields `batch.text` as `(batch, seq)`; the GRU
        # reads its input sequence first
        Invalid(
            """
import torch.nn as nn
from torchtext.legacy import data


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5)

    def forward(self, text):
        _, h_n = self.gru(self.embedding(text))  # expect: RNN004:18
        return h_n[-1]


def classify(path):
    TEXT = data.Field(batch_first=True, use_vocab=False, pad_token=0)
    reviews = data.TabularDataset(path, "json", {"tokens": ("text", TEXT)})
    model = Classifier()
    return [model(batch.text) for batch in data.Iterator(reviews, batch_size=3, shuffle=False)]
"""
        ),
        # the last valid step of each sample, with the batch's positions given to the time axis
        Invalid(
            """
import torch
import torch.nn as nn

class LastStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6)

    def forward(self, x, lengths):
        out, _ = self.gru(x)
        batch = x.size(1)
        return out[torch.arange(batch), lengths - 1]  # expect: RNN004:16
"""
        ),
        # a step loop over axis 1 carries the state, but each step is fed with the batch as time
        Invalid(
            """
import torch
import torch.nn as nn

class StepTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6)

    def forward(self, x):
        state, steps = None, []
        for t in range(x.size(1)):
            out, state = self.lstm(x[:, t].unsqueeze(1), state)  # expect: RNN004:26
            steps.append(out)
        return torch.cat(steps, dim=1)
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, hidden_size=32):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden_size)
        self.fc = nn.Linear(hidden_size, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])  # expect: RNN004:24
"""
        ),
        Invalid(
            """
from torch import nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(16, 64, batch_first=True)
        self.head = nn.Linear(64, 2)

    def forward(self, tokens):
        states, _ = self.rnn(tokens)
        return self.head(states[-1])  # expect: RNN004:26
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class Pooled(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(16, 64, bidirectional=True)

    def forward(self, x):
        out, _ = self.encoder(x)
        return torch.mean(out, dim=1)  # expect: RNN004:16
"""
        ),
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Packed(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(16, 64, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out)  # expect: RNN010:18
        return out[:, -1]  # expect: RNN004:16
"""
        ),
    ]

    def check(self, context):
        for _, loop in context.facts.of(StepLoop):
            yield from self._check_step_loop(loop)
        for _, call in context.facts.of(RnnCall):
            yield from self._check_padded_input(call, context.facts)
        taken = _taken_further(context.facts)
        read_over_time = _read_over_time(context.facts)
        for scope, event in context.facts.of(TensorSubscript, Reduce):
            if isinstance(event, TensorSubscript):
                if context.facts.from_entry(event):
                    continue  # `out[0]` of a batch of one made by `generate(x)`: its one sample
                if id(event.result) in taken or id(event.tensor) not in read_over_time:
                    yield from self._check_selection(scope, event)
            elif event.method in POOLINGS:
                yield from self._check_pooling(scope, event, context.facts.imports)

    def _check_selection(self, scope, event):
        tensor = event.tensor
        if not _from_rnn(tensor):
            return
        if any(isinstance(item, IndexTensor) for item in event.items):
            found = list(self._check_positions(scope, event, tensor))
            if found:
                yield from found
                return
        for axis, item in _indexed_axes(event.items, len(tensor.shape)):
            if not isinstance(item, IndexInt) or as_int(item.value) not in (0, -1):
                continue  # only first/last step selections: other indices may walk the batch on purpose
            if _is_batch(tensor, axis):
                yield self._report(event, scope, tensor, axis, f"`{source_of(event.node)}`")
                return

    def _check_positions(self, scope, event, tensor):
        """``out[torch.arange(batch), lengths - 1]`` on a sequence-first output: the positions
        of the batch index the time axis (and the steps index the batch). The positions'
        size must be the batch axis's own, and not the time axis's."""
        if any(isinstance(item, (IndexEllipsis, IndexNone)) for item in event.items):
            return
        batch = [size for axis, size in enumerate(tensor.shape) if tensor.role(axis) == BATCH]
        for axis, item in enumerate(event.items):
            if not isinstance(item, IndexTensor) or item.positions is None or axis >= len(tensor.shape) \
                    or tensor.role(axis) != TIME or len(batch) != 1:
                continue
            if not _same(item.positions, batch[0]) or not _differ(item.positions, tensor.shape[axis]):
                continue
            batch_axis = tensor.roles.index(BATCH)
            layout = "batch-first" if batch_axis == 0 else "sequence-first"
            yield self.report(
                event.node, event=event, operation=f"`{source_of(event.node)}`", condition=when(event.guard),
                problem=f"indexes axis {axis}, the time axis of {layer_label(tensor.rnn)}'s {layout} output "
                        f"{show_shape(tensor, scope.aliases)}, with the positions of the batch",
                help=f"the batch is axis {batch_axis} here: put `torch.arange(batch)` at that position",
            )
            return

    def _check_pooling(self, scope, event, imports):
        tensor = event.tensor
        axis = as_int(event.axis) if event.axis is not None else None
        if axis is None or not _from_rnn(tensor) or _may_keep_dim(event.node, imports):
            return
        if axis < 0:
            axis += len(tensor.shape)
        if 0 <= axis < len(tensor.shape) and _is_batch(tensor, axis):
            yield self._report(event, scope, tensor, axis, f"`{source_of(event.node)}`")

    def _report(self, event, scope, tensor, axis, operation):
        layout = "batch-first" if tensor.roles and tensor.roles[0] == BATCH else "sequence-first"
        time_axis = tensor.roles.index(TIME) if tensor.roles and TIME in tensor.roles else None
        help_text = f"time is axis {time_axis} here" if time_axis is not None else None
        return self.report(
            event.node, event=event, operation=operation, condition=when(event.guard), help=help_text,
            problem=f"acts on axis {axis}, the batch axis of {layer_label(tensor.rnn)}'s {layout} output "
                    f"{show_shape(tensor, scope.aliases)}, not on time",
        )

    def _check_padded_input(self, call, facts):
        """An RNN fed, unpacked, a ``pad_sequence`` result (or what keeps its first two axes: an
        embedding of it) in the other layout than the padding states: it walks the batch as time."""
        for feed in inputs_of(call):
            pad, flipped = facts.padding_of(feed.value)
            rnn_flag = _literal(feed.rnn.param("batch_first"), feed.guard)
            if pad is None or rnn_flag is None or any(isinstance(atom, Opaque) for atom, _ in pad.guard):
                continue
            pad_flag = _literal(pad.batch_first, feed.guard)
            if pad_flag is None or (pad_flag != flipped) == rnn_flag:
                continue
            stated = "batch first" if pad_flag else "sequence first"
            moved = ", its first two axes then swapped" if flipped else ""
            written = "" if pad.explicit else ", its default"
            yield self.report(
                call.node, event=call, operation=f"`{source_of(call.node)}`", condition=when(feed.guard),
                problem=f"reads its input {'batch' if rnn_flag else 'sequence'} first ({layer_label(feed.rnn)} has "
                        f"`batch_first={rnn_flag}`), but `{source_of(pad.node.func)}` lays it out {stated} "
                        f"(`batch_first={pad_flag}`{written}){moved}: the batch is read as time",
                help=f"pad with `batch_first={rnn_flag}`, or move the axes with `.transpose(0, 1)`",
            )
            return

    def _check_step_loop(self, loop):
        """A loop of ``x.size(k)`` steps that carries an RNN's state from one step to the next,
        while the RNN reads another axis of ``x`` as its time: the steps are the time."""
        steps = axis_of(loop.bound)
        if steps is None:
            return
        for call in loop.calls:
            if not _carries_own_state(call):
                continue
            for feed in inputs_of(call):
                time = _time_read(feed)
                read = axis_of(time) if time is not None else None
                if time is None or read is None or read.key != steps.key or read.index == steps.index \
                        or as_int(time) == 1:
                    continue
                layout = "batch first" if _literal(feed.rnn.param("batch_first"), feed.guard) else "sequence first"
                yield self.report(
                    call.node, event=call, operation=f"`{source_of(call.node)}`", condition=when(feed.guard),
                    problem=f"reads `{read}` as time ({layer_label(feed.rnn)} is {layout}), inside a loop over "
                            f"the `{steps}` steps that carries its state from step to step",
                    help=f"feed one step as time: `(1, batch, features)` sequence first, or build "
                         f"{layer_label(feed.rnn)} with the other `batch_first`",
                )
                return


def _taken_further(facts) -> set:
    """The tensors (by id) that some fact takes in: a layer, a loss, an RNN or a cell is given
    them, a function returns them, or they are indexed, reshaped or pooled."""
    taken: set = set()
    for _, event in facts.events:
        for name, value in vars(event).items():
            if name == "result" and isinstance(event, TensorSubscript):
                continue  # what the subscript gives is not yet taken anywhere
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, Value):
                    taken.update(id(tensor) for tensor in tensors_within(item))
    return taken


def _read_over_time(facts) -> set:
    """The RNN outputs (by id) that the code also reads along their time axis: a first or last
    step (`out[-1]` sequence first) or a pooling over time. Such code knows the layout, and a
    selection of one sample of the same output whose result goes nowhere the analysis follows
    (kept on `self` for a plot) is one sample picked on purpose."""
    found: set = set()
    for _, event in facts.of(TensorSubscript, Reduce):
        tensor = event.tensor
        if not _from_rnn(tensor):
            continue
        if isinstance(event, TensorSubscript):
            if any(tensor.role(axis) == TIME and isinstance(item, IndexInt) and as_int(item.value) in (0, -1)
                   for axis, item in _indexed_axes(event.items, len(tensor.shape))):
                found.add(id(tensor))
        elif event.method in POOLINGS and event.axis is not None and (axis := as_int(event.axis)) is not None \
                and tensor.role(axis) == TIME:
            found.add(id(tensor))
    return found


def _carries_own_state(call) -> bool:
    """The call is given its own RNN's state from an earlier call: a recurrence over steps."""
    own = {id(rnn.node) for _, rnn in cases(call.rnn, call.guard) if isinstance(rnn, Layer)}
    return call.hx is not None and any(
        tensor.origin in ("h_n", "c_n") and tensor.rnn is not None and id(tensor.rnn.node) in own
        for tensor in tensors_within(call.hx))


def _time_read(feed) -> Value | None:
    """The size an RNN reads as time from its input: axis 0 sequence first, 1 batch first."""
    value = feed.value
    if not isinstance(value, Tensor):
        return None
    flag = _literal(feed.rnn.param("batch_first"), feed.guard)
    if flag is None:
        return None
    axis = 1 if flag else 0
    if value.shape is not None:
        return value.shape[axis] if len(value.shape) == 3 else None
    return value.lead if axis == 0 and not isinstance(value.lead, Unknown) else None


def _same(first: Value, second: Value) -> bool:
    return isinstance(first, Poly) and isinstance(second, Poly) and compare(first, second).verdict == EQUAL


def _differ(first: Value, second: Value) -> bool:
    """Two sizes that are not one size: different symbols or numbers (they may still happen to
    be equal in a run, but then the selection reads the wrong entries all the same)."""
    return isinstance(first, Poly) and isinstance(second, Poly) and compare(first, second).verdict != EQUAL


def _literal(flag, guard) -> bool | None:
    values = {truth for _, truth in split_flag(flag, guard)}
    return values.pop() if len(values) == 1 and None not in values else None


def _from_rnn(tensor: Tensor) -> bool:
    return tensor.rnn is not None and tensor.shape is not None and tensor.roles is not None and TIME in tensor.roles


def _is_batch(tensor: Tensor, axis: int) -> bool:
    if tensor.shape is None or tensor.role(axis) != BATCH:
        return False
    # a batch known to hold one sample may be indexed freely
    return all(as_int(size) != 1 for _, size in cases(tensor.shape[axis]))


def _may_keep_dim(call, imports) -> bool:
    """A ``keepdim`` argument that is not plainly ``False``: statistics kept per sample axis
    (recurrent batch normalisation, ``x - x.mean(1, keepdim=True)``) are deliberate, while a
    pooling that feeds a prediction drops the axis."""
    if not isinstance(call, ast.Call):
        return False
    if any(keyword.arg is None for keyword in call.keywords):
        return True  # `**options` may hold keepdim
    keepdim = next((keyword.value for keyword in call.keywords if keyword.arg == "keepdim"), None)
    if keepdim is None:
        # `x.mean(dim, keepdim)`, `torch.mean(x, dim, keepdim)`
        position = 2 if imports.resolve(call.func) is not None else 1
        if any(isinstance(arg, ast.Starred) for arg in call.args[:position + 1]):
            return True
        keepdim = call.args[position] if len(call.args) > position else None
    return keepdim is not None and not (isinstance(keepdim, ast.Constant) and keepdim.value is False)


def _indexed_axes(items: tuple, rank: int):
    """``(axis, item)`` for every index item that consumes an axis of the base tensor."""
    consuming = sum(1 for item in items if takes_axis(item))
    axis = 0
    for item in items:
        if isinstance(item, IndexEllipsis):
            axis += rank - consuming
        elif takes_axis(item):
            yield axis, item
            axis += 1
        elif not isinstance(item, IndexNone):
            return
