"""RNN010: ``pack_padded_sequence`` told a different ``batch_first`` than the RNN it feeds."""

from __future__ import annotations

import ast

from .._analysis._symbolic import OPAQUE_CONDITION, Poly, as_int, cases, merge_guards
from .._analysis._values import (
    BATCH,
    RNN_KINDS,
    TIME,
    Packed,
    Tensor,
    TupleValue,
    split_flag,
)
from .._source import SourceLines
from ._base import Invalid, Rule
from ._edits import arguments_of, next_column, text_between
from ._util import argument, argument_value, layer_label, layers_in, source_of, when


class PackedLayoutMismatch(Rule):
    """
    ## What it does
    Checks that `pack_padded_sequence` is given the `batch_first` layout of the tensor it packs.
    That layout is the one the analysis knows (the output of another RNN), or else the one
    declared by the RNN that consumes the packed sequence, when the tensor reaches the call
    with its axes as the code received them (no `transpose` or `permute` on the way).

    It also checks `pad_packed_sequence`, when it is asked for the other layout than the RNN
    that produced the packed sequence declares (and than the sequence was packed in), and its
    output is then used in that layout: handed back from `forward` as it is, or reduced or
    indexed at its first or last step along the axis where the RNN's layout has time.

    ## Why is this bad?
    `pack_padded_sequence` reads its padded input as `(seq, batch, *)` unless it is told
    `batch_first=True`; its default is `False` whatever the RNN says. Packing a batch-first
    tensor with the default takes the time axis for the batch: with sorted lengths it raises
    `Expected len(lengths) to be equal to batch_size`, and with `enforce_sorted=False` (or a
    batch as long as the sequences) it silently packs the wrong axis, so every sequence mixes
    the samples of the batch. The RNN's own `batch_first` does not help: a packed sequence
    carries no layout.

    `pad_packed_sequence` has the same default: it pads back to `(seq, batch, *)` unless told
    `batch_first=True`. After a batch-first pack and a batch-first RNN, the default hands the
    rest of the model a sequence-first tensor: a head applied to it runs, and the caller gets
    `(seq, batch, n)` where it expects `(batch, seq, n)`.

    ## Example
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
    ...
    packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
    out, (h_n, c_n) = self.lstm(packed)
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    ```

    ## Fix safety
    A `pad_packed_sequence` finding gets advice only: the code after it may be the part to
    change. The fix passes the right `batch_first` to `pack_padded_sequence`: it adds the keyword
    when the call leaves it out, or replaces a literal `True`/`False`. It is offered only when
    that layout holds unconditionally: the packed tensor's known layout, or a literal
    `batch_first` on which every RNN fed by the call agrees. The code it replaces packs the
    wrong axis, so the fix is safe.
    """

    CODE = "RNN010"
    NAME = "packed-layout-mismatch"
    MESSAGE = "`{pack}` {action} with `batch_first={pack_flag}`, but {reason}{condition}"
    FIX_TITLE = "Pass `batch_first={flag}` to `{pack}`"

    VALID = [
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        return out
""",
        """
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

class Encoder(nn.Module):
    def __init__(self, batch_first=False):
        super().__init__()
        self.batch_first = batch_first
        self.gru = nn.GRU(8, 16, batch_first=batch_first)

    def forward(self, x, lengths):
        packed = rnn_utils.pack_padded_sequence(x, lengths, self.batch_first)
        out, h_n = self.gru(packed)
        return h_n[-1]
""",
        """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_sequence

class SequenceEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)

    def forward(self, sequences):
        # pack_sequence takes a list of (seq, features) tensors: there is no layout to match
        _, h_n = self.gru(pack_sequence(sequences, enforce_sorted=False))
        return h_n[-1]
""",
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self, **pack_options):
        super().__init__()
        self.pack_options = pack_options
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths, **options):
        out, _ = self.lstm(pack_padded_sequence(x, lengths, **options))
        return out
""",
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, tokens, lengths):
        # moved to (seq, batch, features) on purpose, and packed that way
        embedded = self.embedding(tokens).transpose(0, 1)
        out, _ = self.lstm(pack_padded_sequence(embedded, lengths))
        return out
""",
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self, tags):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.out = nn.Linear(16, tags)

    def forward(self, x, lengths):
        out, _ = self.lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        # padded back sequence first, then moved to the RNN's layout on purpose
        out, _ = pad_packed_sequence(out)
        return self.out(out.transpose(0, 1))
""",
    ]
    INVALID = [
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        return h_n[-1]
""",
            fixed="""
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False, batch_first=True)
        _, (h_n, _) = self.lstm(packed)
        return h_n[-1]
""",
        ),
        Invalid(
            """
import torch
from torch import nn

BATCH_FIRST = True

class Tagger(nn.Module):
    def __init__(self, vocab, dim=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.gru = nn.GRU(dim, dim, batch_first=BATCH_FIRST, bidirectional=True)

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embedding(tokens),
            lengths.cpu(),
            enforce_sorted=False,
        )
        out, _ = self.gru(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        return out
""",
            fixed="""
import torch
from torch import nn

BATCH_FIRST = True

class Tagger(nn.Module):
    def __init__(self, vocab, dim=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.gru = nn.GRU(dim, dim, batch_first=BATCH_FIRST, bidirectional=True)

    def forward(self, tokens, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embedding(tokens),
            lengths.cpu(),
            enforce_sorted=False,
            batch_first=True,
        )
        out, _ = self.gru(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        return out
""",
        ),
        Invalid(
            """
import torch.nn as nn
import torch.nn.utils.rnn as rnn_utils

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 8)

    def forward(self, x, lengths):
        out, h_n = self.rnn(rnn_utils.pack_padded_sequence(x, lengths, True))
        return h_n
""",
            fixed="""
import torch.nn as nn
import torch.nn.utils.rnn as rnn_utils

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 8)

    def forward(self, x, lengths):
        out, h_n = self.rnn(rnn_utils.pack_padded_sequence(x, lengths, False))
        return h_n
""",
        ),
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class TwoStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.GRU(8, 16, batch_first=True)
        self.second = nn.GRU(16, 16)

    def forward(self, x, lengths):
        out, _ = self.first(x)
        _, h_n = self.second(pack_padded_sequence(out, lengths, enforce_sorted=False))
        return h_n[-1]
""",
            fixed="""
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class TwoStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.GRU(8, 16, batch_first=True)
        self.second = nn.GRU(16, 16)

    def forward(self, x, lengths):
        out, _ = self.first(x)
        _, h_n = self.second(pack_padded_sequence(out, lengths, enforce_sorted=False, batch_first=True))
        return h_n[-1]
""",
        ),
        Invalid(
            """
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self, cfg, batch_first=True):
        super().__init__()
        self.lstm = nn.LSTM(cfg.dim, cfg.hidden, batch_first=batch_first)

    def forward(self, x, lengths):
        out, _ = self.lstm(pack_padded_sequence(x, lengths, enforce_sorted=False))
        return out
"""
        ),
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Tagger(nn.Module):
    def __init__(self, tags):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.out = nn.Linear(16, tags)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out)
        return self.out(out)
"""
        ),
    ]

    def check(self, context):
        packs: dict = {}  # pack call -> its pack events (one per analysed path)
        consumers: dict = {}  # pack call -> [(event guard, guard, Packed, rnn), ...]
        for scope, event in context.facts.events:
            if event.kind == "pack":
                packs.setdefault(id(event.node), []).append(event)
            if event.kind != "rnn_call":
                continue
            for guard, rnn in layers_in(event.data["rnn"], event.guard, RNN_KINDS):
                for input_guard, packed in cases(event.data["input"], guard):
                    # an RNN's own packed output carries no pack call: its layout is not in question
                    if isinstance(packed, Packed) and packed.pack_node is not None and packed.rnn is None:
                        consumers.setdefault(id(packed.pack_node), []).append((event.guard, input_guard, packed, rnn))
        for events in packs.values():
            node = events[0].node
            finding = _against_input(events) or _against_consumers(events, consumers.get(id(node), []))
            if finding is None:
                continue
            condition, pack_flag, reason, wanted, fixable = finding
            pack = _callee(node, context.facts.lines)
            fix = _set_batch_first(node, wanted, context.facts.lines) if fixable and not condition else ()
            yield self.report(
                node, replacements=fix, pack=pack, pack_flag=pack_flag, reason=reason, flag=wanted,
                condition=when(condition), help=f"pass `batch_first={wanted}` to `{pack}`", action="packs",
            )
        uses = [event for _, event in context.facts.events
                if event.kind in ("subscript", "reduce") or (event.kind == "return" and event.data["forward"])]
        pads: dict = {}
        for _, event in context.facts.events:
            if event.kind == "pad":
                pads.setdefault(id(event.node), []).append(event)
        for events in pads.values():
            finding = _pad_against_rnn(events, uses)
            if finding is None:
                continue
            node, condition, pad_flag, rnn, rnn_flag, use = finding
            pad = _callee(node, context.facts.lines)
            yield self.report(
                node, pack=pad, pack_flag=pad_flag, flag=rnn_flag, condition=when(condition), action="pads",
                reason=f"{layer_label(rnn)} is built with `batch_first={rnn_flag}` and {use}",
                help=f"pass `batch_first={rnn_flag}` to `{pad}`, or move the axes of its output",
            )


UNTOUCHED = "untouched"


def _layout(tensor) -> bool | str | None:
    """Whether a padded tensor is batch first; UNTOUCHED when its first two axes are still those
    of a tensor the code was given (its layout is then the one the RNN declares); else None."""
    if not isinstance(tensor, Tensor):
        return None
    if tensor.roles and len(tensor.roles) == 3 and set(tensor.roles[:2]) == {BATCH, TIME}:
        return tensor.roles[0] == BATCH
    if tensor.shape is None:
        return UNTOUCHED if tensor.key is not None else None
    # after a transpose or permute the axes read `x.shape[1], x.shape[0]`: the code moved them on purpose
    first = tensor.shape[0] if len(tensor.shape) == 3 and isinstance(tensor.shape[0], Poly) else None
    atom = next(iter(first.atoms)) if first is not None and len(first.atoms) == 1 else ""
    if atom.endswith(".shape[0]") and first == Poly.atom(atom) and tensor.shape[1] == Poly.atom(atom[:-3] + "[1]"):
        return UNTOUCHED
    return None


def _decided(guard: frozenset, event_guard: frozenset) -> frozenset | None:
    """The condition a finding holds under, or None when a branch the analysis cannot decide picks it."""
    condition = guard - event_guard
    return None if any(atom.startswith(OPAQUE_CONDITION) for atom, _ in condition) else condition


def _against_input(events):
    """The call reads a tensor whose layout the analysis knows (an RNN's output) the other way."""
    found = []
    for event in events:
        for input_guard, tensor in cases(event.data["input"], event.guard):
            layout = _layout(tensor)
            if not isinstance(layout, bool):
                continue
            for guard, flag in split_flag(event.data["batch_first"], input_guard):
                condition = _decided(guard, event.guard)
                if flag is not None and condition is not None and flag != layout:
                    origin = f" from {layer_label(tensor.rnn)}" if tensor.rnn is not None else ""
                    reason = f"its input comes {'batch' if layout else 'sequence'} first{origin}"
                    found.append((condition, flag, reason, layout))
    if not found:
        return None
    condition, flag, reason, layout = min(found, key=lambda item: len(item[0]))
    layouts = {_layout(case) for event in events for _, case in cases(event.data["input"])}
    return condition, flag, reason, layout, layouts == {layout}


def _against_consumers(events, uses):
    """The call reads its input unlike the RNN it feeds declares, and nothing shows the input moved."""
    layouts = [_layout(case) for event in events for _, case in cases(event.data["input"])]
    found = []
    for event_guard, guard, packed, rnn in uses:
        for pack_guard, pack_flag in split_flag(packed.batch_first, guard):
            for both_guard, rnn_flag in split_flag(rnn.param("batch_first"), pack_guard):
                condition = _decided(both_guard, event_guard)
                if pack_flag is None or rnn_flag is None or pack_flag == rnn_flag or condition is None:
                    continue
                # the padded tensor must be shown to be laid out unlike the call reads it
                if layouts and all(layout in (UNTOUCHED, rnn_flag) for layout in layouts):
                    found.append((condition, pack_flag, rnn, rnn_flag))
    if not found:
        return None
    condition, pack_flag, rnn, rnn_flag = min(found, key=lambda item: len(item[0]))
    # every RNN this call feeds builds the same literal `batch_first`
    fixable = all({flag for _, flag in split_flag(consumer.param("batch_first"), frozenset())} == {rnn_flag}
                  for *_, consumer in uses)
    reason = f"{layer_label(rnn)} that it feeds is built with `batch_first={rnn_flag}`"
    return condition, pack_flag, reason, rnn_flag, fixable


def _pad_against_rnn(events, uses):
    """A ``pad_packed_sequence`` that lays its output out unlike the RNN that produced the packed
    sequence (and the pack before it) declares, whose output is then used in that other layout:
    handed back from ``forward`` as it is, or reduced or indexed where the RNN's layout has time."""
    for event in events:
        for packed_guard, packed in cases(event.data["packed"], event.guard):
            if not isinstance(packed, Packed) or packed.rnn is None:
                continue
            rnn = packed.rnn
            for pad_guard, pad_flag in split_flag(event.data["batch_first"], packed_guard):
                for rnn_guard, rnn_flag in split_flag(rnn.param("batch_first"), pad_guard):
                    for guard, pack_flag in split_flag(packed.batch_first, rnn_guard):
                        condition = _decided(guard, event.guard)
                        if pad_flag is None or rnn_flag is None or pad_flag == rnn_flag or condition is None \
                                or pack_flag == pad_flag:
                            continue  # a pack in the pad's layout makes the RNN's flag moot
                        use = _used_as_padded(uses, rnn, pad_flag, guard)
                        if use is not None:
                            return event.node, condition, pad_flag, rnn, rnn_flag, use
    return None


PADDED_SEQ = Poly.atom("padded_seq")  # the time axis of a padded output


def _used_as_padded(uses, rnn, pad_flag: bool, guard: frozenset) -> str | None:
    """How the padded output of ``rnn`` is still used in the pad's layout, if it is."""
    batch_axis = 0 if pad_flag else 1
    roles = (BATCH, TIME) if pad_flag else (TIME, BATCH)

    def padded(tensor) -> bool:
        return isinstance(tensor, Tensor) and tensor.rnn is rnn and tensor.shape is not None \
            and len(tensor.shape) >= 2 and tuple(tensor.roles or ())[:2] == roles \
            and tensor.shape[1 - batch_axis] == PADDED_SEQ

    for use in uses:
        if merge_guards(use.guard, guard) is None:
            continue
        if use.kind == "return":
            for _, case in cases(use.data["value"], use.guard):
                items = case.items if isinstance(case, TupleValue) else (case,)
                if any(padded(item) for item in items):
                    return "its padded output leaves `forward` laid out that way"
        elif padded(use.data.get("tensor")):
            tensor = use.data["tensor"]
            if use.kind == "reduce" and as_int(use.data["axis"]) in (batch_axis, batch_axis - len(tensor.shape)):
                return f"`{source_of(use.node)}` reduces axis {batch_axis}, the batch axis of the padded output"
            if use.kind == "subscript" and _selects_step(use.data["items"], batch_axis):
                return f"`{source_of(use.node)}` selects a step on axis {batch_axis}, the batch axis of the padded output"
    return None


def _selects_step(items: list, axis: int) -> bool:
    """``out[-1]`` / ``out[:, 0]``: a first or last index on ``axis`` (the items before it plain)."""
    if len(items) <= axis or any(item[0] != "slice" for item in items[:axis]):
        return False
    return items[axis][0] == "int" and as_int(items[axis][1]) in (0, -1)


def _callee(call: ast.Call, lines: SourceLines) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else lines.segment(func)


def _set_batch_first(call: ast.Call, flag: bool, lines: SourceLines) -> tuple:
    """Edits giving ``call`` a literal ``batch_first=flag``: the keyword added, or a literal replaced."""
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(given.arg is None for given in call.keywords):
        return ()
    given = argument(call, 2, "batch_first")
    literal = "True" if flag else "False"
    if given is not None:
        value = argument_value(given)
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            return ((value, literal),)
        return ()  # an expression: which side should change is for its author
    found = arguments_of(call, lines)
    if not found:
        return ()
    last = found[-1]
    separator, indentation = ", ", None
    if len(found) > 1:
        # one argument a line: the new one goes on a line of its own, indented like the last
        spacing = text_between(lines, next_column(found[-2].comma), last.start)
        if _breaks_line(spacing):
            indentation = _last_line(spacing)
            separator = "," + _newline(spacing) + indentation
    # what follows the last argument (a trailing comma's spacing, or the spacing before `)`)
    _, _, end_row, end_column = lines.characters(call)
    tail = text_between(lines, next_column(last.comma) if last.comma else last.end, (end_row, end_column - 1))
    if indentation is not None and _breaks_line(tail):
        # a comment after the last argument stays on its line
        separator = "," + tail[: len(tail) - len(_last_line(tail))] + indentation
        tail = _newline(tail) + _last_line(tail)
    if last.comma:
        # the trailing comma, with any spacing before it, now follows the added keyword
        tail = text_between(lines, last.end, last.comma) + "," + tail
    start = lines.characters(call)[:2]
    new = f"{text_between(lines, start, last.end)}{separator}batch_first={literal}{tail})"
    return ((call, new),)


def _breaks_line(spacing: str) -> bool:
    """Whether layout between arguments goes to another line (a line continuation does not)."""
    return "\n" in spacing.replace("\\\r\n", "").replace("\\\n", "")


def _newline(spacing: str) -> str:
    return "\r\n" if "\r\n" in spacing else "\n"


def _last_line(spacing: str) -> str:
    """The indentation before the code that follows ``spacing``."""
    return spacing[spacing.rfind("\n") + 1:]
