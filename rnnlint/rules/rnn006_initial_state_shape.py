"""RNN006: an initial ``h_0`` / ``c_0`` whose shape differs from what the RNN is built for."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import ClassVar

from .. import _shapes
from .._analysis import (
    DIFFERENT,
    EQUAL,
    RNN_KINDS,
    STEP,
    UNKNOWN,
    CellCall,
    Comparison,
    Packed,
    Poly,
    RnnCall,
    Tensor,
    TupleValue,
    Unknown,
    axis_symbol,
    cases,
    cell_configs,
    compare,
    compare_numbers,
    dim,
    rnn_configs,
)
from .._source import SourceLines
from ._base import Invalid, Rule
from ._util import (
    argument,
    argument_value,
    definite,
    directed_label,
    direction_word,
    layer_label,
    layers_in,
    operand,
    run_of,
    show,
    show_shape,
    tensors_in,
    unpacks,
    when,
)

AXIS_FORMULA = ("num_layers * num_directions", "batch")
# the `formula` of a state whose rank is not the one its input asks for
BATCHED, UNBATCHED = "batched", "unbatched"
SHAPE_ATOM = re.compile(r"^(?P<key>.+)\.shape\[(?P<axis>\d+)\]$")


class InitialStateShape(Rule):
    """
    ## What it does
    Checks that the initial `h_0` and `c_0` given to an RNN have the shape it expects.
    `h_0` must be `(num_layers * num_directions, batch, H_out)` and an LSTM's `c_0`
    `(num_layers * num_directions, batch, hidden_size)`, where `H_out` is `proj_size` for an
    LSTM with a projection and `hidden_size` otherwise. States built inline, in helpers such
    as `init_hidden`, with `torch.zeros`, `x.new_zeros` or `weight.new_zeros` are followed;
    so is the state an `init_hidden`-like method builds for callers of a `forward(x, hidden)`,
    and a decoder's `hidden.unsqueeze(0)`, whose first axis is 1 whatever the rank of `hidden`.
    A state of a rank no input takes (`h.view(layers, batch, hidden).unsqueeze(0)`: four axes) is
    reported by its rank, and so is a state whose rank is not the one the input asks for, where
    the input's rank is known: a batched input (three axes, or a packed batch) takes three axes,
    an unbatched one (two axes) two. A `forward(x)` may be given an unbatched `x`: with `x` of
    unknown rank, a two-axis state is not reported.
    A recurrent cell (`nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`) takes `(batch, hidden_size)`
    states, with no layers axis: an RNN's `(num_layers, batch, hidden_size)` state given to a
    cell is reported too.
    A learned state (`nn.Parameter(torch.zeros(...))`) is followed through `expand`/`repeat`.

    ## Why is this bad?
    PyTorch raises `Expected hidden size (2, 4, 16), got [1, 4, 16]` at the first forward
    pass, far from the helper that built the state. The usual causes are a missing `* 2` for
    a bidirectional RNN, the batch put first because the RNN was built with
    `batch_first=True` (the state is never batch first), and `hidden_size` used for the
    `h_0` of an LSTM with `proj_size`.

    ## Example
    ```python
    self.gru = nn.GRU(10, hidden_size, num_layers, batch_first=True, bidirectional=True)
    ...
    h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
    ```

    ## Use instead
    ```python
    self.gru = nn.GRU(10, hidden_size, num_layers, batch_first=True, bidirectional=True)
    ...
    h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size)
    ```

    ## Fix safety
    The fix writes `<layers> * 2` when the RNN is always bidirectional and the state's first
    axis is exactly its `num_layers`. The code it replaces cannot run, so the fix is safe.
    Other mismatches get advice only.
    """

    CODE = "RNN006"
    NAME = "initial-state-shape"
    MESSAGE = "initial `{state}` has {actual}, but {rnn} expects {expected}{formula}{condition}"
    FIX_TITLE = "Double the layers axis: {fixed}"

    VALID: ClassVar[list[str]] = [
        """
import torch
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden_size=32, num_layers=2, bidirectional=True):
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.num_directions = 2 if bidirectional else 1
        self.lstm = nn.LSTM(16, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional)

    def init_hidden(self, batch_size, device):
        shape = (self.num_layers * self.num_directions, batch_size, self.hidden_size)
        return (torch.zeros(shape, device=device), torch.zeros(shape, device=device))

    def forward(self, x):
        hidden = self.init_hidden(x.size(0), x.device)
        out, hidden = self.lstm(x, hidden)
        return out
""",
        """
import torch
from torch import nn

class Encoder(nn.Module):
    def __init__(self, hidden=24, layers=2):
        super().__init__()
        self.gru = nn.GRU(8, hidden, layers, batch_first=True)

    def forward(self, x):
        weight = next(self.parameters())
        h0 = weight.new_zeros(self.gru.num_layers, x.size(0), self.gru.hidden_size)
        out, h_n = self.gru(x, h0)
        return out, h_n
""",
        """
import torch
import torch.nn as nn

class ProjectedLM(nn.Module):
    def __init__(self, layers=2):
        super().__init__()
        self.layers = layers
        self.lstm = nn.LSTM(32, 64, layers, proj_size=16)

    def forward(self, x):
        h0 = x.new_zeros(self.layers, x.size(1), 16)
        c0 = x.new_zeros(self.layers, x.size(1), 64)
        out, (h, c) = self.lstm(x, (h0, c0))
        return out
""",
        """
import torch
import torch.nn as nn

class Stateful(nn.Module):
    def __init__(self, hidden=20):
        super().__init__()
        self.hidden = hidden
        self.rnn = nn.RNN(4, hidden, batch_first=True)

    def forward(self, x, h=None):
        if h is None:
            h = torch.zeros(1, x.size(0), self.hidden).to(x.device)
        out, h = self.rnn(x, h)
        return out, h
""",
        """
import torch.nn as nn

class Seq2SeqCell(nn.Module):
    def __init__(self, hidden=9):
        super().__init__()
        self.encoder = nn.LSTM(4, hidden, batch_first=True)
        self.cell = nn.LSTMCell(4, hidden)

    def forward(self, src, tgt):
        _, (h_n, c_n) = self.encoder(src)
        h, c = h_n[-1], c_n[-1]
        for t in range(tgt.size(1)):
            h, c = self.cell(tgt[:, t], (h, c))
        return h
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # a time-major series stepped one time step at a time: `series[t].unsqueeze(0)` is
        # (1, batch, features), and the state is sized with the series' time axis
        Invalid(
            """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, hidden=6, layers=2):
        super().__init__()
        self.lstm = nn.LSTM(4, hidden, num_layers=layers)

    def step(self, x, state):
        return self.lstm(x, state)

    def forward(self, series):
        h = c = series.new_zeros(self.lstm.num_layers, series.shape[0], self.lstm.hidden_size)  # expect: RNN006:17
        outs = []
        for t in range(series.shape[0]):
            out, (h, c) = self.step(series[t].unsqueeze(0), (h, c))
            outs.append(out)
        return outs
"""
        ),
        # a learned (num_layers, 1, hidden) start expanded along the layers axis, not the batch's
        Invalid(
            """
import torch
import torch.nn as nn

class LearnedStart(nn.Module):
    def __init__(self, hidden=8, layers=1):
        super().__init__()
        self.h0 = nn.Parameter(torch.zeros(layers, 1, hidden))
        self.gru = nn.GRU(4, hidden, layers, batch_first=True)

    def forward(self, x):
        h0 = self.h0.expand(x.size(0), -1, -1).contiguous()  # expect: RNN006:14
        _, h_n = self.gru(x, h0)
        return h_n[-1]
"""
        ),
        Invalid(
            """
import torch
from torch import nn

class IntentClassifier(nn.Module):
    def __init__(self, hidden_size=16, num_layers=1):
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.gru = nn.GRU(10, hidden_size, num_layers, batch_first=True, bidirectional=True)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)  # expect: RNN006:14
        out, _ = self.gru(x, h0)
        return out
""",
            fixed="""
import torch
from torch import nn

class IntentClassifier(nn.Module):
    def __init__(self, hidden_size=16, num_layers=1):
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.gru = nn.GRU(10, hidden_size, num_layers, batch_first=True, bidirectional=True)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size)
        out, _ = self.gru(x, h0)
        return out
""",
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class SentimentLSTM(nn.Module):
    def __init__(self, hidden_dim, n_layers):
        super().__init__()
        self.hidden_dim, self.n_layers = hidden_dim, n_layers
        self.lstm = nn.LSTM(50, hidden_dim, n_layers, batch_first=True)

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        return (weight.new_zeros(batch_size, self.n_layers, self.hidden_dim),  # expect: RNN006:17
                weight.new_zeros(batch_size, self.n_layers, self.hidden_dim))  # expect: RNN006:17

    def forward(self, x):
        out, hidden = self.lstm(x, self.init_hidden(x.size(0)))
        return out
"""
        ),
        Invalid(
            """
import torch
from torch.nn import LSTM, Module

class Speller(Module):
    def __init__(self):
        super().__init__()
        self.decoder = LSTM(40, 128, num_layers=2, proj_size=32)

    def forward(self, x):
        batch = x.shape[1]
        state = (torch.randn(2, batch, 128), torch.randn(2, batch, 128))  # expect: RNN006:18
        out, state = self.decoder(x, state)
        return out
"""
        ),
        # whatever the rank of `hidden`, `unsqueeze(0)` makes a layers axis of 1
        Invalid(
            """
import torch.nn as nn

class Decoder(nn.Module):
    def __init__(self, embed_dim, hidden_size):
        super().__init__()
        self.rnn = nn.GRU(embed_dim, hidden_size, num_layers=2, batch_first=True)

    def forward(self, embedded, hidden):
        output, h_n = self.rnn(embedded, hidden.unsqueeze(0))  # expect: RNN006:42
        return output, h_n[-1]
"""
        ),
        # a packed batch is batched: the state needs its layers axis
        Invalid(
            """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(8, hidden, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h0 = x.new_zeros(x.size(0), self.hidden)  # expect: RNN006:14
        _, h = self.gru(packed, h0)
        return h[-1]
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class CellDecoder(nn.Module):
    def __init__(self, hidden=7):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.GRUCell(5, hidden)

    def forward(self, x):
        h = torch.zeros(1, x.size(0), self.hidden)  # expect: RNN006:13
        for t in range(x.size(1)):
            h = self.cell(x[:, t], h)
        return h
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Seq2SeqCell(nn.Module):
    def __init__(self, hidden=9):
        super().__init__()
        self.encoder = nn.LSTM(4, hidden, batch_first=True)
        self.cell = nn.LSTMCell(4, hidden)

    def forward(self, src, tgt):
        _, state = self.encoder(src)
        for t in range(tgt.size(1)):
            state = self.cell(tgt[:, t], state)  # expect: RNN006:42
        return state[0]
"""
        ),
    ]

    def check(self, context):
        groups: dict = {}  # (call, state) -> (scope, [outcome, ...]): a call's cases are judged together
        uses: dict = {}  # id(source call) -> ids of the RNN calls its tensor reaches
        for scope, event in context.facts.of(RnnCall):
            if event.hx is None:
                continue
            for guard, rnn in layers_in(event.rnn, event.guard, RNN_KINDS):
                for outcome in _outcomes(event, rnn, guard):
                    key = (id(event), outcome[2][1], run_of(outcome[0]))
                    groups.setdefault(key, (scope, event, []))[2].append(outcome)
                    tensor = outcome[2][2]
                    if tensor.source is not None:
                        uses.setdefault(id(tensor.source), set()).add(id(event.node))
        # every outcome is reported: the engine states one finding per place, its conditions joined
        for scope, event, outcomes in groups.values():
            for guard, (rnn, state, tensor, axis, comparison, formula, size) in definite(outcomes):
                node = tensor.source if tensor.source is not None else event.hx_node
                if node is None:
                    continue
                if axis is None and formula == UNBATCHED:
                    yield self.report(
                        node, state=state, actual=_rank_text(tensor, scope.aliases),
                        rnn=directed_label(rnn, guard), expected="2 axes for its unbatched input",
                        formula=f" (`(num_layers * num_directions, {size})`)", condition=when(guard),
                        fixed="", help=f"build `{state}` with two axes (one per layer and direction, the "
                                       "features), or give the input a batch axis",
                    )
                    continue
                if axis is None:  # a state of a rank no input takes, or not the batched input's
                    yield self.report(
                        node, state=state, actual=_rank_text(tensor, scope.aliases),
                        rnn=directed_label(rnn, guard),
                        expected="3 axes for its batched input" if formula == BATCHED else "3 axes",
                        formula=f" (`(num_layers * num_directions, batch, {size})`)", condition=when(guard),
                        fixed="", help=f"build `{state}` with three axes: one per layer and direction, the "
                                       "batch, the features",
                    )
                    continue
                replacements: tuple = ()
                fixed = ""
                if axis == 0 and not guard and len(uses.get(id(tensor.source), ())) == 1:
                    replacements = _double_layers(tensor, rnn, comparison, context.facts.lines)
                    if replacements:
                        fixed = f"`{replacements[0][1]}`"
                yield self.report(
                    node, replacements=replacements, state=state,
                    actual=f"{show(comparison.first, scope.aliases)} on axis {axis}",
                    rnn=directed_label(rnn, guard),
                    expected=show(comparison.second, scope.aliases), formula=f" (`{formula}`)" if axis != 1 else "",
                    condition=when(guard), fixed=fixed,
                    help=f"build `{state}` as `(num_layers * num_directions, batch, {size})`; "
                         "the state is never batch first, whatever `batch_first` says",
                )
        yield from self._check_cells(context)

    def _check_cells(self, context):
        """A cell's state is `(batch, hidden_size)` (or `(hidden_size,)` unbatched): no layers axis."""
        reported = set()
        for scope, event in context.facts.of(CellCall):
            if event.hx is None:
                continue
            by_state: dict = {}  # h_0 and c_0 are judged apart: one may be right, the other wrong
            for outcome in _cell_outcomes(event):
                by_state.setdefault(outcome[3], []).append(outcome[:3])
            for guard, (cell, state, tensor, axis, actual, expected, formula) in (
                    found for outcomes in by_state.values() for found in definite(outcomes)):
                node = tensor.source if tensor.source is not None else event.hx_node
                if node is None or (id(node), state) in reported:
                    continue
                reported.add((id(node), state))
                if axis is None:  # a state of another rank: `(num_layers, batch, hidden_size)`
                    shown = show_shape(tensor, scope.aliases)
                    had = f"{len(tensor.shape)} axes" + ("" if set(shown.strip("`()").split(", ")) == {"?"}
                                                         else f", {shown}")
                    wanted = "2 axes"
                else:
                    had = f"{show(actual, scope.aliases)} on axis {axis}"
                    wanted = show(expected, scope.aliases) if expected is not None else "`batch`"
                yield self.report(
                    node, state=state, actual=had, rnn=layer_label(cell), expected=wanted,
                    formula=f" (`{formula}`)", condition=when(guard),
                    help=f"a cell's `{state}` is `(batch, hidden_size)`, one step of one layer: "
                         "take the last layer of an RNN's state (`h_n[-1]`)",
                    fixed="",
                )
                break


def _outcomes(event, rnn, guard):
    """``(guard, wrong: True | False | None, payload)`` for each state tensor in each case."""
    for config_guard, config in rnn_configs(rnn, guard):
        for input_guard, batch, rank in _input_batch(event.input, config, config_guard):
            for state_guard, hx in cases(event.hx, input_guard):
                for state, given, expected in _expected_states(config, hx, batch):
                    size = _size_name(config, state)
                    for tensor_guard, tensor in tensors_in(given, state_guard):
                        if batch is None:  # unbatched: the state has no batch axis either
                            verdict = _rank_verdict(tensor, _shapes.state_rank(batched=False))
                            yield tensor_guard, verdict, (rnn, state, tensor, None, None, UNBATCHED, size)
                            continue
                        if rank is not None and _rank_verdict(tensor, _shapes.state_rank(batched=True)):
                            yield tensor_guard, True, (rnn, state, tensor, None, None, BATCHED, size)
                            continue
                        verdict, axis, comparison = _judge(tensor, expected, batch, tensor_guard)
                        named = size
                        if verdict is None and state == "h_0":
                            verdict, axis, comparison, named = _unprojected_h0(config, tensor, tensor_guard, size)
                        formula = AXIS_FORMULA[axis] if axis is not None and axis < 2 else named
                        yield ((tensor_guard | comparison.guard) if comparison else tensor_guard, verdict,
                               (rnn, state, tensor, axis, comparison, formula, named))


def _cell_outcomes(event):
    """``(guard, wrong, payload)`` for each state tensor a cell step is given, in each case."""
    for config_guard, config in cell_configs(event.cell, event.guard):
        cell = next((layer for _, layer in layers_in(event.cell, config_guard)), None)
        for input_guard, fed in cases(event.input, config_guard):
            batch = _cell_input_batch(fed)
            for state_guard, hx in cases(event.hx, input_guard):
                if config.takes_state_pair:
                    if not isinstance(hx, TupleValue) or len(hx.items) != 2:
                        continue  # a lone tensor is RNN007's
                    given: tuple = (("h_0", hx.items[0]), ("c_0", hx.items[1]))
                elif isinstance(hx, Tensor):
                    given = (("h_0", hx),)
                else:
                    continue
                for state, value in given:
                    for tensor_guard, tensor in tensors_in(value, state_guard):
                        yield (*_cell_state_verdict(config, cell, state, tensor, batch, tensor_guard), state)


def _cell_input_batch(fed):
    """The batch of a cell's input: its first axis when it has two (or when its rank is unknown
    but its first axis is known); None when it has one; UNKNOWN otherwise."""
    if not isinstance(fed, Tensor):
        return UNKNOWN
    if fed.shape is not None:
        return fed.shape[0] if len(fed.shape) == 2 else None if len(fed.shape) == 1 else UNKNOWN
    return fed.lead


def _cell_state_verdict(config, cell, state, tensor: Tensor, batch, guard):
    hidden = dim(config.hidden_size)
    formula = "(batch, hidden_size)"
    if tensor.shape is None or tensor.origin == STEP:
        # what an earlier step returned exists only if that step could run: no evidence
        return guard, None, None
    if len(tensor.shape) not in _shapes.CELL_RANKS:
        # `(num_layers, batch, hidden_size)`: the shape of an RNN's h_0, which a cell rejects
        return guard, True, (cell, state, tensor, None, None, None, formula)
    if len(tensor.shape) == 2:
        comparison = compare(tensor.shape[1], hidden, guard)
        if comparison.verdict == DIFFERENT:
            return guard | comparison.guard, True, (cell, state, tensor, 1, tensor.shape[1], hidden, formula)
        if isinstance(batch, Poly) and _batch_verdict(tensor.shape[0], batch) == DIFFERENT:
            return guard, True, (cell, state, tensor, 0, tensor.shape[0], batch, formula)
        known = comparison.verdict == EQUAL and isinstance(batch, Poly) \
            and _batch_verdict(tensor.shape[0], batch) == EQUAL
        return guard, (False if known else None), None
    return guard, None, None


def _judge(tensor: Tensor, expected: tuple, batch, guard: frozenset) -> tuple:
    """``(wrong, axis, comparison)``: wrong is True at the first axis that certainly differs,
    False when every axis is certainly right, None when some axis is not known."""
    if tensor.shape is None and not isinstance(tensor.lead, Unknown):
        # rank unknown, first axis known (`hidden.unsqueeze(0)`): that axis is the layers axis
        lead = compare(tensor.lead, expected[0], guard)
        return (True, 0, lead) if lead.verdict == DIFFERENT else (None, None, None)
    if tensor.shape is not None and len(tensor.shape) not in _shapes.STATE_RANKS and tensor.origin != STEP:
        # `h.view(layers, batch, size).unsqueeze(0)`: no input takes a state of that rank
        return True, None, None
    if tensor.shape is None or len(tensor.shape) != 3:
        return None, None, None
    known = True
    comparison: Comparison | _Verdict
    for axis, (given, wanted) in enumerate(zip(tensor.shape, expected, strict=False)):
        if axis == 1:
            # the batch: compared with the input's batch only where both are symbols
            comparison = _Verdict(_batch_verdict(given, batch), given, batch)
        elif axis == 0 and _batch_verdict(given, batch) == EQUAL and _batch_verdict(wanted, batch) != EQUAL:
            comparison = _Verdict(DIFFERENT, given, wanted)  # batch first, like the input of a batch-first RNN
        else:
            comparison = compare(given, wanted, guard)
        if comparison.verdict == DIFFERENT:
            return True, axis, comparison
        known = known and comparison.verdict == EQUAL
    return (False if known else None), None, None


def _rank_text(tensor: Tensor, aliases: dict) -> str:
    """``4 axes, `(1, 2, batch, hidden_size)`` (the shape left out where no axis is known)."""
    shown = show_shape(tensor, aliases)
    known = set(shown.strip("`()").split(", ")) != {"?"}
    return f"{len(tensor.shape or ())} axes" + (f", {shown}" if known else "")


def _unprojected_h0(config, tensor: Tensor, guard: frozenset, size: str) -> tuple:
    """An ``h_0`` ending in ``hidden_size`` for an LSTM that projects: wrong, since ``proj_size``
    must be smaller than ``hidden_size`` (the symbols alone cannot tell them apart)."""
    if config.kind != "LSTM" or _shapes.has_projection(config) is not True \
            or tensor.shape is None or len(tensor.shape) != 3:
        return None, None, None, size
    if compare(tensor.shape[2], config.hidden_size, guard).verdict != EQUAL:
        return None, None, None, size
    return True, 2, _Verdict(DIFFERENT, tensor.shape[2], config.proj_size), "proj_size"


class _Verdict:
    """A comparison made here rather than by ``compare``: the batch axis."""

    def __init__(self, verdict, first, second):
        self.guard: frozenset
        self.verdict, self.guard, self.first, self.second = verdict, frozenset(), first, second


def _input_batch(inputs, config, guard):
    """``(guard, batch, rank)`` of the input in each case: the batch a dimension, UNKNOWN, or None
    when unbatched; the rank 3 where the input is certainly batched (three axes, or a packed
    batch), 2 where it is certainly not, None where it is not known."""
    axis = _shapes.batch_axis(config)
    for case_guard, case in cases(inputs, guard):
        if isinstance(case, Packed):
            yield case_guard, case.batch, 3
            continue
        shape = case.shape if isinstance(case, Tensor) else None
        # an RNN's input: three axes batched, two unbatched; any other rank is not judged here
        rank = len(shape) if shape is not None and len(shape) in (2, 3) else None
        if rank == 2:
            yield case_guard, None, 2  # unbatched, whatever the layout
        elif not isinstance(case, Tensor) or axis is None:
            yield case_guard, UNKNOWN, rank
        elif shape is not None:
            yield case_guard, (shape[axis] if rank == 3 else UNKNOWN), rank
        elif axis < len(case.leading) and not isinstance(case.leading[axis], Unknown):
            # rank unknown, first axes known (`x[t].unsqueeze(0)`: 1, then the batch of `x`)
            yield case_guard, case.leading[axis], None
        elif case.key is not None:
            yield case_guard, axis_symbol(case.key, axis), None
        else:
            yield case_guard, UNKNOWN, None


def _rank_verdict(tensor: Tensor, rank: int) -> bool | None:
    """True where the state certainly has another rank than ``rank`` (the one the input asks
    for); None otherwise. A state an earlier step returned exists only if that step could run:
    what it became is no evidence (``STEP``)."""
    if tensor.shape is None or tensor.origin == STEP:
        return None
    return True if len(tensor.shape) != rank else None


def _expected_states(config, hx, batch):
    """``(name, given value, expected shape)`` for each state tensor ``hx`` holds."""
    hidden = _shapes.hidden_state_shape(config, batch)
    if hidden is None and config.kind == "LSTM":
        # a symbolic proj_size decides only the last axis: check the others
        hidden = _shapes.hidden_state_shape(replace(config, proj_size=0), batch)
        hidden = hidden and hidden[:2] + (UNKNOWN,)
    if hidden is None:
        return
    hidden = tuple(dim(value) for value in hidden)
    if config.kind == "LSTM":
        cell = _shapes.cell_state_shape(config, batch)
        if isinstance(hx, TupleValue) and len(hx.items) == 2 and cell is not None:
            yield "h_0", hx.items[0], hidden
            yield "c_0", hx.items[1], tuple(dim(value) for value in cell)
    elif isinstance(hx, Tensor):
        yield "h_0", hx, hidden


def _batch_verdict(given, batch) -> str | None:
    """EQUAL or DIFFERENT where both are symbols (``x.size(0)`` against the input's batch)."""
    if not _symbolic(given) or not _symbolic(batch):
        return None
    verdict = compare_numbers(given, batch)
    if verdict != DIFFERENT and verdict != EQUAL:
        first, second = _shape_atom(given), _shape_atom(batch)
        if first and second and first[0] == second[0] and first[1] != second[1]:
            return DIFFERENT  # two axes of one tensor: `x.size(0)` where the batch is `x.size(1)`
        return None
    return verdict


def _symbolic(value) -> bool:
    return isinstance(value, Poly) and value.constant is None and not value.is_opaque


def _shape_atom(value: Poly):
    if len(value.terms) != 1 or value.terms[0][1] != 1 or len(value.terms[0][0]) != 1:
        return None
    match = SHAPE_ATOM.match(value.terms[0][0][0])
    return (match["key"], match["axis"]) if match else None


def _size_name(config, state: str) -> str:
    if state == "c_0" or config.kind != "LSTM":
        return "hidden_size"
    projected = _shapes.has_projection(config)
    return "proj_size" if projected else "hidden_size" if projected is False else "H_out"


def _double_layers(tensor: Tensor, rnn, comparison, lines: SourceLines) -> tuple:
    """``((E, E * 2),)`` for the layers argument ``E`` of the call that made ``tensor``."""
    given, wanted = comparison.first, comparison.second
    num_layers = rnn.param("num_layers")
    if not direction_word(rnn, frozenset()) or not isinstance(given, Poly) or not isinstance(num_layers, Poly):
        return ()
    if given != num_layers or compare(wanted, num_layers * 2).verdict != EQUAL:
        return ()
    call = tensor.source
    if not isinstance(call, ast.Call):
        return ()
    first = argument(call, 0, "size")
    if first is None or unpacks(call):
        return ()
    layers = argument_value(first)
    if isinstance(layers, (ast.Tuple, ast.List)):
        if not layers.elts or isinstance(layers.elts[0], ast.Starred):
            return ()
        layers = layers.elts[0]
    elif len(call.args) < 3:
        return ()
    assert layers is not None  # the argument passed has a value
    return ((layers, f"{operand(lines, layers)} * 2"),)
