"""RNN010: ``pack_padded_sequence`` told a different ``batch_first`` than the RNN it feeds."""

from __future__ import annotations

import libcst as cst

from .._analysis._symbolic import OPAQUE_CONDITION, cases
from .._analysis._values import BATCH, RNN_KINDS, TIME, Packed, Tensor, split_flag
from ._base import Invalid, Rule
from ._util import argument, layer_label, layers_in, when


class PackedLayoutMismatch(Rule):
    """
    ## What it does
    Checks that `pack_padded_sequence` is called with the same `batch_first` as the RNN
    that consumes the packed sequence.

    ## Why is this bad?
    `pack_padded_sequence` reads its padded input as `(seq, batch, *)` unless it is told
    `batch_first=True`; its default is `False` whatever the RNN says. Packing a batch-first
    tensor with the default takes the time axis for the batch: with sorted lengths it raises
    `Expected len(lengths) to be equal to batch_size`, and with `enforce_sorted=False` (or a
    batch as long as the sequences) it silently packs the wrong axis, so every sequence mixes
    the samples of the batch. The RNN's own `batch_first` does not help: a packed sequence
    carries no layout.

    `pad_packed_sequence` is not checked here: it returns whichever layout it is asked for,
    and indexing that output along the wrong axis is RNN004's finding.

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
    The fix passes the RNN's `batch_first` to `pack_padded_sequence`: it adds the keyword
    when the call leaves it out, or replaces a literal `True`/`False`. It is offered only
    when the RNN's `batch_first` is a literal and every RNN fed by this call agrees on it,
    and never when the analysis knows the padded tensor's layout and the call matches it.
    The code it replaces packs the wrong axis, so the fix is safe.
    """

    CODE = "RNN010"
    NAME = "packed-layout-mismatch"
    MESSAGE = (
        "`{pack}` packs with `batch_first={pack_flag}`, but {rnn} that it feeds is built with "
        "`batch_first={rnn_flag}`{condition}"
    )
    FIX_TITLE = "Pass `batch_first={rnn_flag}` to `{pack}`"

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
    ]

    def check(self, context):
        packed_tensors = {}  # pack call -> what was packed: its layout may be known
        consumers: dict = {}  # pack call -> [(event guard, guard, Packed, rnn), ...]
        for scope, event in context.facts.events:
            if event.kind == "pack":
                packed_tensors.setdefault(id(event.node), []).append(event.data["input"])
            if event.kind != "rnn_call":
                continue
            for guard, rnn in layers_in(event.data["rnn"], event.guard, RNN_KINDS):
                for input_guard, packed in cases(event.data["input"], guard):
                    # an RNN's own packed output carries no pack call: its layout is not in question
                    if isinstance(packed, Packed) and packed.pack_node is not None and packed.rnn is None:
                        consumers.setdefault(id(packed.pack_node), []).append((event.guard, input_guard, packed, rnn))
        for uses in consumers.values():
            mismatches = [mismatch for use in uses for mismatch in _mismatches(*use)]
            if not mismatches:
                continue
            node = mismatches[0][1].pack_node
            if any(_layout_agrees(tensor, flag) for tensor in packed_tensors.get(id(node), [])
                   for _, _, flag, _, _ in mismatches):
                continue  # the padded tensor is known to be laid out as the call reads it
            condition, packed, pack_flag, rnn, rnn_flag = min(mismatches, key=lambda mismatch: len(mismatch[0]))
            pack = _callee(node)
            fields = dict(pack=pack, pack_flag=pack_flag, rnn=layer_label(rnn), rnn_flag=rnn_flag,
                          condition=when(condition))
            yield self.report(
                node, replacements=_fix(node, uses, rnn_flag, context.facts.module) if not condition else (),
                help=f"pass `batch_first={rnn_flag}` to `{pack}`, the layout {layer_label(rnn)} is built for",
                **fields,
            )


def _mismatches(event_guard, guard, packed, rnn):
    for pack_guard, pack_flag in split_flag(packed.batch_first, guard):
        for both_guard, rnn_flag in split_flag(rnn.param("batch_first"), pack_guard):
            condition = both_guard - event_guard
            # a branch the analysis cannot decide must not be what makes the finding
            if any(atom.startswith(OPAQUE_CONDITION) for atom, _ in condition):
                continue
            if pack_flag is not None and rnn_flag is not None and pack_flag != rnn_flag:
                yield condition, packed, pack_flag, rnn, rnn_flag


def _layout_agrees(value, pack_flag: bool) -> bool:
    for _, tensor in cases(value):
        if isinstance(tensor, Tensor) and tensor.roles and len(tensor.roles) == 3:
            if tensor.roles[:2] == ((BATCH, TIME) if pack_flag else (TIME, BATCH)):
                return True
    return False


def _callee(call: cst.Call) -> str:
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else cst.Module(body=[]).code_for_node(func)


def _fix(call: cst.Call, uses: list, rnn_flag: bool, module: cst.Module) -> tuple:
    """Edits giving ``call`` the consumers' ``batch_first``, when they all build it from a literal."""
    for _, _, _, rnn in uses:
        flags = {flag for _, flag in split_flag(rnn.param("batch_first"), frozenset())}
        if flags != {rnn_flag}:
            return ()
    if any(arg.star for arg in call.args):
        return ()
    given = argument(call, 2, "batch_first")
    literal = cst.Name("True" if rnn_flag else "False")
    if given is not None:
        if isinstance(given.value, cst.Name) and given.value.value in ("True", "False"):
            return ((given.value, literal),)
        return ()  # an expression: which side should change is for its author
    last = call.args[-1]
    separator = _separator(call.args[-2].comma if len(call.args) > 1 else None)
    # what follows the last argument (a trailing comma's spacing, or the spacing before `)`)
    trailing = isinstance(last.comma, cst.Comma)
    tail = last.comma.whitespace_after if trailing else last.whitespace_after_arg
    multiline = isinstance(separator.whitespace_after, cst.ParenthesizedWhitespace)
    if multiline and isinstance(tail, cst.ParenthesizedWhitespace):
        # a comment after the last argument stays on its line
        separator = separator.with_changes(whitespace_after=separator.whitespace_after.with_changes(
            first_line=tail.first_line, empty_lines=tail.empty_lines))
        tail = tail.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    added = cst.Arg(
        keyword=cst.Name("batch_first"), value=literal,
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
        comma=last.comma.with_changes(whitespace_after=tail) if trailing else cst.MaybeSentinel.DEFAULT,
        whitespace_after_arg=last.whitespace_after_arg if trailing else tail,
    )
    args = list(call.args[:-1]) + [last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace("")),
                                   added]
    return ((call, _standalone(call.with_changes(args=args), call, module)),)


def _separator(comma) -> cst.Comma:
    """A comma laid out like ``comma`` (one argument a line, or not), without its comments."""
    spacing = comma.whitespace_after if isinstance(comma, cst.Comma) else None
    if isinstance(spacing, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=spacing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[]))
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _standalone(new: cst.Call, old: cst.Call, module: cst.Module) -> cst.Call:
    """``new`` with the indentation of its lines written out, as it renders outside its block."""
    if "\n" not in module.code_for_node(new):
        return new
    finder = _IndentationFinder(old, module.default_indent)
    module.visit(finder)
    return new.visit(_AbsoluteIndentation(finder.indentation or ""))


class _IndentationFinder(cst.CSTVisitor):
    def __init__(self, target: cst.CSTNode, default_indent: str):
        self.target, self.default_indent = target, default_indent
        self.blocks: list = []
        self.indentation: str | None = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.indentation is not None:
            return False
        if node is self.target:
            self.indentation = "".join(self.blocks)
            return False
        return super().on_visit(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.blocks.append(self.default_indent if node.indent is None else node.indent)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self.indentation is None:
            self.blocks.pop()


class _AbsoluteIndentation(cst.CSTTransformer):
    # a line inside brackets is indented relative to its block; the edit is written without one
    def __init__(self, indentation: str):
        self.indentation = indentation

    def leave_ParenthesizedWhitespace(self, original, updated):
        if not updated.indent:
            return updated
        indented = cst.SimpleWhitespace(self.indentation + updated.last_line.value)
        return updated.with_changes(indent=False, last_line=indented)

    def leave_EmptyLine(self, original, updated):
        if not updated.indent:
            return updated
        indented = cst.SimpleWhitespace(self.indentation + updated.whitespace.value)
        return updated.with_changes(indent=False, whitespace=indented)
