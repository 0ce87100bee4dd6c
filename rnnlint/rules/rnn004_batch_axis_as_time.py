"""RNN004: a time-step selection or a pooling applied to the batch axis of an RNN's output."""

from __future__ import annotations

import ast
from typing import ClassVar

from .._analysis import (
    BATCH,
    TIME,
    IndexEllipsis,
    IndexInt,
    IndexNone,
    Reduce,
    Tensor,
    TensorSubscript,
    as_int,
    cases,
    takes_axis,
)
from ._base import Invalid, Rule
from ._util import layer_label, show_shape, source_of

POOLINGS = {"mean", "sum", "max", "min", "amax", "amin", "logsumexp", "prod", "median", "nanmean", "nansum"}


class BatchAxisAsTime(Rule):
    """
    ## What it does
    Checks for a first/last time-step selection (`out[:, -1]`, `out[-1]`, `out[:, 0]`) or a
    pooling (`mean`, `sum`, `max` with `dim=`) that lands on the batch axis of an RNN's
    output, including a sequence padded back by `pad_packed_sequence`. A reduction with
    `keepdim=True` is left alone: it keeps the axis for statistics that broadcast back
    (recurrent batch normalisation), where a pooling for a prediction drops it.

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
    MESSAGE = "{operation} acts on axis {axis}, the batch axis of {rnn}'s {layout} output {shape}, not on time"

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
    ]
    INVALID: ClassVar[list[Invalid]] = [
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
        for scope, event in context.facts.of(TensorSubscript, Reduce):
            if isinstance(event, TensorSubscript):
                yield from self._check_selection(scope, event)
            elif event.method in POOLINGS:
                yield from self._check_pooling(scope, event, context.facts.imports)

    def _check_selection(self, scope, event):
        tensor = event.tensor
        if not _from_rnn(tensor):
            return
        for axis, item in _indexed_axes(event.items, len(tensor.shape)):
            if not isinstance(item, IndexInt) or as_int(item.value) not in (0, -1):
                continue  # only first/last step selections: other indices may walk the batch on purpose
            if _is_batch(tensor, axis):
                yield self._report(event, scope, tensor, axis, f"`{source_of(event.node)}`")
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
            event.node, event=event, operation=operation, axis=axis, rnn=layer_label(tensor.rnn), layout=layout,
            shape=show_shape(tensor, scope.aliases), help=help_text,
        )


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
