"""RNN010: ``pack_padded_sequence`` told a different ``batch_first`` than the code shows its input in."""

from __future__ import annotations

import ast
from typing import ClassVar, NamedTuple

from .._analysis import (
    BATCH,
    EQUAL,
    TIME,
    IndexInt,
    IndexSlice,
    Layer,
    Omitted,
    Opaque,
    Pack,
    Packed,
    Pad,
    Poly,
    Reduce,
    Reshape,
    RnnCall,
    Tensor,
    TensorSubscript,
    TupleSubscript,
    Unknown,
    as_int,
    axis_of,
    axis_symbol,
    cases,
    compare,
    inputs_of,
    is_packed_batch,
    merge_guards,
    product,
    split_flag,
)
from .._source import SourceLines, text_of
from ._base import Invalid, Rule
from ._edits import add_keyword
from ._util import argument, argument_value, layer_label, source_of, when


class PackedLayoutMismatch(Rule):
    """
    ## What it does
    Checks that `pack_padded_sequence` is given the `batch_first` layout of the tensor it packs.
    It reports where the code shows that layout: the tensor is the output of another RNN, or a
    `pad_sequence` result whose `batch_first` states it (also once embedded or passed through
    layers that keep its first two axes; a `transpose` or `permute` of them is followed; also
    the batches of a `DataLoader` whose `collate_fn`, a function of the project, pads them, where
    a loop over the loader hands them to the model, and the `(text, lengths)` of a torchtext
    iterator over a dataset built with a legacy `Field(include_lengths=True)`, whose
    `batch_first` states the layout), or the
    code reads the same axes elsewhere the way the RNN fed by the pack declares, unpacked by an
    RNN (as in `if lengths is None:`) or in another pack that agrees with its RNN. The RNN's own
    `batch_first` alone shows nothing: a packed sequence carries no layout, so an RNN only ever
    fed packed sequences may declare either, and the tensor may come from `pad_sequence`,
    sequence first.

    It also reports a pack whose lengths are counted along one axis of the very tensor packed
    (`(tokens != pad).sum(1)`: one length per row of axis 0) while `batch_first` names the other
    axis the batch.

    It also checks `pad_packed_sequence`, when it is asked for the other layout than the RNN
    that produced the packed sequence declares (and than the sequence was packed in), and its
    output is then used where batch and time are not interchangeable: a first or last step
    taken, or a pooling, along its batch axis, or an RNN reading it unpacked in the other
    layout. Handing the output back, or a head or elementwise work on it, is no finding: the
    caller may want that layout (`ctc_loss` takes `(seq, batch, classes)`).

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
    rest of the model a sequence-first tensor: the step it takes as the last one is the last
    sample of the batch.

    ## Example
    ```python
    self.frames = nn.GRU(input_size, hidden_size, batch_first=True)
    self.lstm = nn.LSTM(hidden_size, hidden_size, batch_first=True)
    ...
    frames, _ = self.frames(x)
    packed = pack_padded_sequence(frames, lengths, enforce_sorted=False)
    out, (h_n, c_n) = self.lstm(packed)
    ```

    ## Use instead
    ```python
    packed = pack_padded_sequence(frames, lengths, batch_first=True, enforce_sorted=False)
    ```

    ## Fix safety
    A `pad_packed_sequence` finding gets advice only: the code after it may be the part to
    change. So does a pack whose input's layout only another read of the same axes shows: the
    code contradicts itself, and which side is wrong is for its author. Where the analysis knows
    the layout of the packed tensor (an RNN's output), the fix passes it to
    `pack_padded_sequence`: it adds the `batch_first` keyword when the call leaves it out, or
    replaces a literal `True`/`False`; it is offered only when that layout holds
    unconditionally. The code it replaces packs the wrong axis, so the fix is safe.
    """

    CODE = "RNN010"
    NAME = "packed-layout-mismatch"
    MESSAGE = "`{pack}` {action} with `batch_first={pack_flag}`, but {reason}{condition}"
    FIX_TITLE = "Pass `batch_first={flag}` to `{pack}`"

    VALID: ClassVar[list[str]] = [
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
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)  # only ever fed packed sequences

    def forward(self, padded, lengths):
        # padded comes from pad_sequence, sequence first: the GRU's flag says nothing about it
        _, h_n = self.gru(pack_padded_sequence(padded, lengths, enforce_sorted=False))
        return h_n[-1]
""",
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class CTCModel(nn.Module):
    def __init__(self, feats, hidden, classes):
        super().__init__()
        self.lstm = nn.LSTM(feats, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, feats, lengths):
        out, _ = self.lstm(pack_padded_sequence(feats, lengths, batch_first=True, enforce_sorted=False))
        # (seq, batch, hidden) on purpose: ctc_loss takes (seq, batch, classes)
        out, out_lengths = pad_packed_sequence(out)
        return self.fc(out).log_softmax(-1), out_lengths
""",
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

class Clips(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 6, batch_first=True)

    def forward(self, clips, lengths):
        # padded sequence first, moved to batch first before the batch-first pack
        padded = pad_sequence(clips).transpose(0, 1)
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        return h_n[-1]
""",
        """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.gru = nn.GRU(8, 16)

    def forward(self, tokens, columns):
        # tokens: (batch, seq) counted per row; columns: (seq, batch) counted per column
        packed = pack_padded_sequence(self.embed(tokens), (tokens != 0).sum(1).cpu(),
                                      batch_first=True, enforce_sorted=False)
        lengths = (columns != 0).sum(0)
        steps = pack_padded_sequence(self.embed(columns), lengths.cpu(), enforce_sorted=False)
        return self.lstm(packed), self.gru(steps)
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # the embedding keeps the padding's (batch, seq) axes: the pack reads seq as the batch
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5, batch_first=True)

    def forward(self, sequences, lengths):
        tokens = pad_sequence(sequences, batch_first=True)
        packed = pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False)  # expect: RNN010:18
        _, h_n = self.gru(packed)
        return h_n[-1]
""",
            fixed="""
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

class Reader(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5, batch_first=True)

    def forward(self, sequences, lengths):
        tokens = pad_sequence(sequences, batch_first=True)
        packed = pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False, batch_first=True)
        _, h_n = self.gru(packed)
        return h_n[-1]
""",
        ),
        # the lengths are counted per row of axis 0, the pack reads axis 1 as the batch
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 16)

    def forward(self, tokens):
        lengths = (tokens != 0).sum(1)
        packed = pack_padded_sequence(self.embed(tokens), lengths.cpu(), enforce_sorted=False)  # expect: RNN010:18
        out, (h_n, _) = self.lstm(packed)
        return h_n[-1]
"""
        ),
        # `pad_sequence` states the layout of what it returns; the pack reads the other one
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

class Clips(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 6, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, clips, lengths):
        padded = pad_sequence(clips, batch_first=True).float()
        packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)  # expect: RNN010:18
        _, h_n = self.gru(packed)
        return self.fc(h_n[-1])
""",
            fixed="""
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

class Clips(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 6, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, clips, lengths):
        padded = pad_sequence(clips, batch_first=True).float()
        packed = pack_padded_sequence(padded, lengths, enforce_sorted=False, batch_first=True)
        _, h_n = self.gru(packed)
        return self.fc(h_n[-1])
""",
        ),
        # the loader's collate function pads batch first: the batches that reach the model are
        Invalid(
            """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    tokens = [torch.tensor(sample) for sample in batch]
    return pad_sequence(tokens, batch_first=True), torch.tensor([len(sample) for sample in batch])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False)  # expect: RNN010:18
        _, h_n = self.gru(packed)
        return h_n[-1]


def encode(samples):
    model = Encoder()
    codes = []
    for tokens, lengths in DataLoader(samples, batch_size=3, collate_fn=collate):
        codes.append(model(tokens, lengths))
    return codes
""",
            fixed="""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader


def collate(batch):
    tokens = [torch.tensor(sample) for sample in batch]
    return pad_sequence(tokens, batch_first=True), torch.tensor([len(sample) for sample in batch])


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20, 4)
        self.gru = nn.GRU(4, 5)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, enforce_sorted=False, batch_first=True)
        _, h_n = self.gru(packed)
        return h_n[-1]


def encode(samples):
    model = Encoder()
    codes = []
    for tokens, lengths in DataLoader(samples, batch_size=3, collate_fn=collate):
        codes.append(model(tokens, lengths))
    return codes
""",
        ),
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.frames = nn.GRU(8, 16, batch_first=True)
        self.lstm = nn.LSTM(16, 16, batch_first=True)

    def forward(self, x, lengths):
        frames, _ = self.frames(x)
        packed = pack_padded_sequence(frames, lengths, enforce_sorted=False)  # expect: RNN010:18
        _, (h_n, _) = self.lstm(packed)
        return h_n[-1]
""",
            fixed="""
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.frames = nn.GRU(8, 16, batch_first=True)
        self.lstm = nn.LSTM(16, 16, batch_first=True)

    def forward(self, x, lengths):
        frames, _ = self.frames(x)
        packed = pack_padded_sequence(frames, lengths, enforce_sorted=False, batch_first=True)
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
        self.context = nn.GRU(dim, dim, batch_first=BATCH_FIRST)
        self.gru = nn.GRU(dim, dim, batch_first=BATCH_FIRST, bidirectional=True)

    def forward(self, tokens, lengths):
        context, _ = self.context(self.embedding(tokens))
        packed = nn.utils.rnn.pack_padded_sequence(  # expect: RNN010:18
            context,
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
        self.context = nn.GRU(dim, dim, batch_first=BATCH_FIRST)
        self.gru = nn.GRU(dim, dim, batch_first=BATCH_FIRST, bidirectional=True)

    def forward(self, tokens, lengths):
        context, _ = self.context(self.embedding(tokens))
        packed = nn.utils.rnn.pack_padded_sequence(
            context,
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
        self.first = nn.RNN(4, 8)
        self.rnn = nn.RNN(8, 8)

    def forward(self, x, lengths):
        out, _ = self.first(x)
        out, h_n = self.rnn(rnn_utils.pack_padded_sequence(out, lengths, True))  # expect: RNN010:29
        return h_n
""",
            fixed="""
import torch.nn as nn
import torch.nn.utils.rnn as rnn_utils

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.RNN(4, 8)
        self.rnn = nn.RNN(8, 8)

    def forward(self, x, lengths):
        out, _ = self.first(x)
        out, h_n = self.rnn(rnn_utils.pack_padded_sequence(out, lengths, False))
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
        _, h_n = self.second(pack_padded_sequence(out, lengths, enforce_sorted=False))  # expect: RNN010:30
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
        self.frames = nn.GRU(cfg.dim, cfg.hidden, batch_first=batch_first)
        self.lstm = nn.LSTM(cfg.hidden, cfg.hidden, batch_first=batch_first)

    def forward(self, x, lengths):
        frames, _ = self.frames(x)
        out, _ = self.lstm(pack_padded_sequence(frames, lengths, enforce_sorted=False))  # expect: RNN010:28
        return out
"""
        ),
        Invalid(
            """
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths=None):
        # unpacked, the LSTM reads x batch first; packed, the same x is read sequence first
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, enforce_sorted=False)  # expect: RNN010:17
        _, (h_n, _) = self.lstm(x)
        return h_n[-1]
"""
        ),
        Invalid(
            """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Stacked(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.LSTM(8, 16, batch_first=True)
        self.second = nn.GRU(16, 16, batch_first=True)

    def forward(self, x, lengths):
        out, _ = self.first(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
        out, _ = pad_packed_sequence(out)  # expect: RNN010:18
        out, _ = self.second(out)
        return out
"""
        ),
    ]

    def check(self, context):
        packs: dict = {}  # pack call -> [(scope, pack event), ...] (one event per analysed path)
        consumers: dict = {}  # pack call -> [(scope, guard, Packed, rnn), ...]
        readings = []  # where the code shows which axis of a tensor it was given is the batch
        fed_by: dict = {}  # RNN -> the pack calls (None: anything else) whose results it is given
        for scope, event in context.facts.of(Pack, Reshape, RnnCall):
            if isinstance(event, Pack):
                packs.setdefault(id(event.node), []).append((scope, event))
            if isinstance(event, Reshape):
                readings += _state_readings(scope, event)
            if not isinstance(event, RnnCall):
                continue
            for feed in inputs_of(event):
                value, rnn = feed.value, feed.rnn
                # an RNN's own packed output carries no pack call: its layout is not in question
                if feed.pack_node is not None:
                    consumers.setdefault(id(feed.pack_node), []).append((scope, feed.guard, value, rnn))
                fed_by.setdefault(id(rnn), set()).add(id(value.pack_node) if isinstance(value, Packed) else None)
                if isinstance(value, Tensor):
                    flag = _literal_flag(rnn.param("batch_first"), feed.guard)
                    reading = _reading(scope, feed.guard, value, flag, event.node, rnn, "unpacked")
                    if reading is not None:
                        readings.append(reading)
        readings += _agreeing_packs(packs, consumers)
        for events in packs.values():
            node = events[0][1].node
            finding = _against_input([event for _, event in events], context.facts.padding_of) \
                or _against_lengths([event for _, event in events]) \
                or _against_readings(events, consumers.get(id(node), []), readings, fed_by)
            if finding is None:
                continue
            condition, pack_flag, reason, wanted, fixable = finding
            pack = _callee(node)
            fix = _set_batch_first(node, wanted, context.facts.lines) if fixable and not condition else ()
            yield self.report(
                node, replacements=fix, pack=pack, pack_flag=pack_flag, reason=reason, flag=wanted,
                condition=when(condition), help=f"pass `batch_first={wanted}` to `{pack}`", action="packs",
            )
        uses = [event for _, event in context.facts.of(TensorSubscript, TupleSubscript, Reduce, RnnCall)]
        pads: dict = {}
        for _, event in context.facts.of(Pad):
            pads.setdefault(id(event.node), []).append(event)
        for events in pads.values():
            finding = _pad_against_rnn(events, uses)
            if finding is None:
                continue
            node, condition, pad_flag, rnn, rnn_flag, use = finding
            pad = _callee(node)
            yield self.report(
                node, pack=pad, pack_flag=pad_flag, flag=rnn_flag, condition=when(condition), action="pads",
                reason=f"{layer_label(rnn)} is built with `batch_first={rnn_flag}` and {use}",
                help=f"pass `batch_first={rnn_flag}` to `{pad}`, or move the axes of its output",
            )


def _layout(tensor) -> bool | None:
    """Whether a padded tensor is batch first, when the analysis knows (an RNN's output)."""
    roles = tensor.roles if isinstance(tensor, Tensor) else None
    if roles and len(roles) == 3 and set(roles[:2]) == {BATCH, TIME}:
        return roles[0] == BATCH
    return None


def _decided(guard: frozenset, event_guard: frozenset) -> frozenset | None:
    """The condition a finding holds under, or None when a branch the analysis cannot decide picks it."""
    condition = guard - event_guard
    return None if any(isinstance(atom, Opaque) for atom, _ in condition) else condition


def _against_input(events, padding_of):
    """The call reads a tensor whose layout the analysis knows (an RNN's output, or what a
    ``pad_sequence`` states) the other way."""
    found = []
    for event in events:
        for input_guard, tensor in cases(event.input, event.guard):
            for layout_guard, layout, origin in _layouts_of(tensor, padding_of, input_guard):
                for guard, flag in split_flag(event.batch_first, layout_guard):
                    condition = _decided(guard, event.guard)
                    if flag is not None and condition is not None and flag != layout:
                        reason = f"its input comes {'batch' if layout else 'sequence'} first{origin}"
                        found.append((condition, flag, reason, layout))
    if not found:
        return None
    condition, flag, reason, layout = min(_unconditional(found), key=lambda item: len(item[0]))
    layouts = {layout for event in events for _, case in cases(event.input)
               for _, layout, _ in _layouts_of(case, padding_of, event.guard)}
    return condition, flag, reason, layout, layouts == {layout}


def _against_lengths(events):
    """The lengths count the entries of one axis of the very tensor packed (`(tokens != pad)
    .sum(1)`: one per row of axis 0), while ``batch_first`` makes the pack read the other axis
    as the batch: torch wants one length per sample, so the call fails, or, on a square
    input, packs along the wrong axis. The two sizes must be different symbols."""
    for event in events:
        lengths_node = event.node.args[1] if len(event.node.args) > 1 else next(
            (keyword.value for keyword in event.node.keywords if keyword.arg == "lengths"), None)
        if lengths_node is None:
            continue
        for lengths_guard, lengths in cases(event.lengths, event.guard):
            counted = _lengths_count(lengths)
            if counted is None:
                continue
            for input_guard, tensor in cases(event.input, lengths_guard):
                if not isinstance(tensor, Tensor):
                    continue
                axes = [_axis_size(tensor, axis) for axis in (0, 1)]
                for guard, flag in split_flag(event.batch_first, input_guard):
                    condition = _decided(guard, event.guard)
                    if flag is None or condition is None:
                        continue
                    batch, other = (0, 1) if flag else (1, 0)
                    if axes[other] is None or axes[batch] is None or not _same(counted, axes[other]) \
                            or _same(counted, axes[batch]):
                        continue
                    reason = (f"its lengths, `{source_of(lengths_node)}`, count the entries of axis {other} "
                              f"(`{axes[other].describe()}`): one per sample, so axis {other} is the batch")
                    return condition, flag, reason, not flag, False
    return None


def _lengths_count(lengths) -> Poly | None:
    """How many lengths a tensor holds, when it is a symbol for an axis of a given tensor."""
    if not isinstance(lengths, Tensor):
        return None
    size = lengths.shape[0] if lengths.shape is not None and len(lengths.shape) == 1 else lengths.lead
    return size if isinstance(size, Poly) and axis_of(size) is not None else None


def _axis_size(tensor: Tensor, axis: int):
    if tensor.shape is not None:
        size = tensor.shape[axis] if axis < len(tensor.shape) else None
    else:
        size = axis_symbol(tensor.key, axis) if tensor.key else None
    return size if isinstance(size, Poly) else None


def _same(first: Poly, second: Poly) -> bool:
    return compare(first, second).verdict == EQUAL


def _layouts_of(tensor, padding_of, guard):
    """``(guard, batch first?, where from)`` for the layout a tensor is known in: an RNN's
    output by its roles, a ``pad_sequence`` result by the ``batch_first`` that call states."""
    layout = _layout(tensor)
    if layout is not None:
        yield guard, layout, f" from {layer_label(tensor.rnn)}" if tensor.rnn is not None else ""
        return
    pad, flipped = padding_of(tensor)
    if pad is None:
        return
    both = merge_guards(guard, pad.guard)
    if both is None:
        return
    for flag_guard, flag in split_flag(pad.batch_first, both):
        if flag is not None:
            written = "" if pad.explicit else ", its default"
            kept = " through its first two axes, swapped" if flipped else ""
            yield flag_guard, flag != flipped, \
                f" from `{_callee(pad.node)}` (`batch_first={flag}`{written}){kept}"


class _Reading(NamedTuple):
    """Code that shows which axis of a tensor it was given is the batch: ``batch``, an atom
    `x.shape[i]` (``kind``: "unpacked" for an RNN given the tensor, "pack" for a pack that agrees
    with the RNN it feeds, "state" for a reshape of ``reader``'s state sized with that axis)."""

    scope: object
    guard: frozenset
    batch: Poly
    node: ast.expr
    reader: Layer | None  # the RNN that reads the tensor, or whose state is reshaped; None for a pack
    kind: str


def _literal_flag(value, guard: frozenset) -> bool | None:
    """The one `batch_first` a value gives under ``guard``; None when configuration decides it."""
    flags = list(split_flag(value, guard))
    return flags[0][1] if len(flags) == 1 and flags[0][0] == guard else None


def _reading(scope, guard: frozenset, tensor, batch_first: bool | None, node: ast.expr, reader, kind: str):
    """How ``tensor`` is read in the layout ``batch_first``; None unless its first two axes are
    named after a tensor the code was given, so that another read of the same axes can be told."""
    axes = _leading_axes(tensor)
    if batch_first is None or axes is None:
        return None
    return _Reading(scope, guard, axes[0] if batch_first else axes[1], node, reader, kind)


def _leading_axes(tensor) -> tuple | None:
    """The first two axes of ``tensor`` as atoms `x.shape[i]` of a tensor the code was given
    (its own axes, or those it was computed from), else None: equal sizes alone name no axis."""
    if not isinstance(tensor, Tensor):
        return None
    if tensor.shape is None:
        if tensor.key is None or not isinstance(tensor.lead, Unknown):
            return None
        axes = (axis_symbol(tensor.key, 0), axis_symbol(tensor.key, 1))
    elif len(tensor.shape) >= 3:
        axes = tensor.shape[:2]
    else:
        return None
    if axes[0] == axes[1] or not all(_names_an_axis(axis) for axis in axes):
        return None
    return tuple(axes)


def _names_an_axis(size) -> bool:
    """``x.shape[1]`` alone: a size that is one axis of a given tensor, not a number or a sum."""
    return axis_of(size) is not None


def _state_readings(scope, event) -> list:
    """``h_n.view(layers, directions, x.size(0), hidden)`` on the state of an RNN given a packed
    sequence of unknown batch: the view holds only if that batch is the axis it names."""
    state, dims = event.tensor, event.dims
    if not isinstance(state, Tensor) or state.rnn is None or state.origin not in ("h_n", "c_n") \
            or state.shape is None or state.roles is None or not all(isinstance(size, Poly) for size in dims) \
            or any(size.constant is not None and size.constant < 0 for size in dims):
        return []
    unknown = [axis for axis, size in enumerate(state.shape) if not isinstance(size, Poly) or is_packed_batch(size)]
    if len(unknown) != 1 or state.roles[unknown[0]] != BATCH:
        return []
    known = product(size for size in state.shape if isinstance(size, Poly) and not is_packed_batch(size))
    wanted = product(dims)
    return [_Reading(scope, event.guard, size, event.node, state.rnn, "state")
            for size in dims if _names_an_axis(size) and known * size == wanted]


def _agreeing_packs(packs: dict, consumers: dict) -> list:
    """Packs whose literal `batch_first` every RNN they feed also declares: the code agrees with
    itself there, so they tell how it lays out the tensor they pack."""
    found = []
    for events in packs.values():
        fed = consumers.get(id(events[0][1].node), [])
        rnn_flags = {_literal_flag(rnn.param("batch_first"), frozenset()) for *_, rnn in fed}
        if len(rnn_flags) != 1 or None in rnn_flags:
            continue
        for scope, event in events:
            for guard, tensor in cases(event.input, event.guard):
                flag = _literal_flag(event.batch_first, guard)
                # a pack that contradicts the known layout of its input shows nothing
                agrees = {flag} == rnn_flags and _layout(tensor) in (None, flag)
                reading = _reading(scope, guard, tensor, flag, event.node, None, "pack") if agrees else None
                if reading is not None:
                    found.append(reading)
    return found


def _against_readings(events, fed: list, readings: list, fed_by: dict):
    """The call reads its input unlike the RNN it feeds declares, and the code shows elsewhere that
    the axis it reads as time is the batch: an RNN given the same tensor unpacked, a pack of it
    that agrees with its RNN, or a reshape of the state of the RNN this call alone feeds."""
    found = []
    for scope, event in events:
        for input_guard, tensor in cases(event.input, event.guard):
            for pack_guard, pack_flag in split_flag(event.batch_first, input_guard):
                axes = _leading_axes(tensor)
                if pack_flag is None or axes is None or _layout(tensor) is not None:
                    continue  # a known layout is judged on its own, by _against_input
                time = axes[1] if pack_flag else axes[0]  # the axis this call reads as time
                for fed_scope, fed_guard, _, rnn in fed:
                    for rnn_guard, rnn_flag in split_flag(rnn.param("batch_first"), fed_guard):
                        both = merge_guards(rnn_guard, pack_guard) if fed_scope is scope else None
                        if both is None or rnn_flag is None or rnn_flag == pack_flag:
                            continue
                        alone = fed_by.get(id(rnn)) == {id(event.node)}
                        for reading in readings:
                            if reading.kind == "state" and (reading.reader is not rnn or not alone):
                                continue  # the state of another RNN, or of other inputs too
                            guard = _joint(both, reading.guard) if reading.scope is scope else None
                            condition = _decided(guard, event.guard) if guard is not None else None
                            if condition is not None and reading.batch == time:
                                witness = _witness(rnn, rnn_flag, reading, axes.index(time))
                                found.append((condition, pack_flag, witness, rnn_flag))
    if not found:
        return None
    condition, pack_flag, reason, rnn_flag = min(_unconditional(found), key=lambda item: len(item[0]))
    # the code contradicts itself: which side is wrong is for its author
    return condition, pack_flag, reason, rnn_flag, False


def _unconditional(found: list) -> list:
    """``found`` with the conditions that two findings split between them dropped: a finding
    under `bidirectional` and one under `not bidirectional` make one that holds either way."""
    found = list(found)
    conditions = {item[0] for item in found}
    for item in list(found):
        for literal in item[0]:
            if (item[0] - {literal}) | {(literal[0], not literal[1])} in conditions:
                found.append((item[0] - {literal}, *item[1:]))
    return found


def _joint(first: frozenset, second: frozenset) -> frozenset | None:
    """Both guards at once; whether an optional argument was passed (`lengths is None`) does not
    change how the tensors the code was given are laid out, so it may differ between them."""
    optional = {atom for atom, truth in first if isinstance(atom, Omitted) and (atom, not truth) in second}
    return merge_guards(first, frozenset(literal for literal in second if literal[0] not in optional))


def _witness(rnn, rnn_flag: bool, reading: _Reading, axis: int) -> str:
    fed = f"{layer_label(rnn)} that it feeds is built with `batch_first={rnn_flag}`"
    row = reading.node.lineno
    if reading.kind == "state":
        return f"{fed}, and `{source_of(reading.node)}` takes axis {axis} of the packed tensor for its batch"
    if reading.kind == "pack":
        return f"{fed}, and line {row} packs the same tensor that way"
    if reading.reader is rnn:
        return f"{fed} and reads the same tensor that way unpacked on line {row}"
    assert reading.reader is not None  # an RNN reads it
    return f"{fed}, as is {layer_label(reading.reader)}, which reads the same tensor unpacked on line {row}"


def _pad_against_rnn(events, uses):
    """A ``pad_packed_sequence`` that lays its output out unlike the RNN that produced the packed
    sequence (and the pack before it) declares, whose output is then used where its batch axis
    and its time axis are not interchangeable."""
    for event in events:
        for packed_guard, packed in cases(event.packed, event.guard):
            if not isinstance(packed, Packed) or packed.rnn is None:
                continue
            rnn = packed.rnn
            for pad_guard, pad_flag in split_flag(event.batch_first, packed_guard):
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
    """How the padded output of ``rnn`` is used where its layout matters, if it is: a step taken or
    a pooling on its batch axis, or an RNN that reads it unpacked the other way. Handing it back,
    a head, elementwise work: those run the same in either layout, and the caller may want it so."""
    batch_axis = 0 if pad_flag else 1
    roles = (BATCH, TIME) if pad_flag else (TIME, BATCH)

    def padded(tensor) -> bool:
        return isinstance(tensor, Tensor) and tensor.rnn is rnn and tensor.shape is not None \
            and len(tensor.shape) >= 2 and tuple(tensor.roles or ())[:2] == roles \
            and tensor.shape[1 - batch_axis] == PADDED_SEQ

    for use in uses:
        if merge_guards(use.guard, guard) is None:
            continue
        if isinstance(use, RnnCall):
            for feed in inputs_of(use):
                flags = {flag for _, flag in split_flag(feed.rnn.param("batch_first"), feed.guard)}
                if padded(feed.value) and flags == {not pad_flag} and merge_guards(feed.guard, guard) is not None:
                    return f"{layer_label(feed.rnn)} reads its padded output with `batch_first={not pad_flag}`"
        elif isinstance(use, (TensorSubscript, Reduce)) and padded(use.tensor):
            tensor = use.tensor
            if isinstance(use, Reduce) and use.axis is not None and tensor.shape is not None \
                    and as_int(use.axis) in (batch_axis, batch_axis - len(tensor.shape)):
                return f"`{source_of(use.node)}` reduces axis {batch_axis}, the batch axis of the padded output"
            if isinstance(use, TensorSubscript) and _selects_step(use.items, batch_axis):
                return (f"`{source_of(use.node)}` selects a step on axis {batch_axis}, "
                        "the batch axis of the padded output")
    return None


def _selects_step(items: tuple, axis: int) -> bool:
    """``out[-1]`` / ``out[:, 0]``: a first or last index on ``axis`` (the items before it plain)."""
    if len(items) <= axis or any(not isinstance(item, IndexSlice) for item in items[:axis]):
        return False
    item = items[axis]
    return isinstance(item, IndexInt) and as_int(item.value) in (0, -1)


def _callee(call: ast.Call) -> str:
    """The called name: written back from the tree, for a call in another file of the project
    (a collate function's ``pad_sequence``) has no text in this one."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else text_of(func)


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
    return add_keyword(call, "batch_first", literal, lines)
