"""RNN005: ``view``/``reshape`` used where ``permute``/``transpose`` is needed."""

from __future__ import annotations

import ast
from typing import ClassVar

from .._analysis import (
    BATCH,
    BATCH_FACTOR,
    EQUAL,
    Poly,
    Reshape,
    Tensor,
    Unknown,
    as_int,
    axes_of,
    axis_symbol,
    cases,
    compare,
    exact_quotient,
    number,
    pinned_guard,
    product,
    regroup,
    required_sizes,
    reshape,
)
from ._base import Invalid, Rule
from ._edits import past_parentheses, text_between
from ._util import source_of, where_run


class ReshapeSwapsAxes(Rule):
    """
    ## What it does
    Checks for `view`/`reshape` calls that try to exchange the batch and time axes
    (`x.view(x.size(1), x.size(0), -1)`), or that fold `h_n`'s `num_layers * num_directions`
    axis into the batch or feature axis (`h_n.view(batch, -1)`, `h_n.view(-1, 2 * hidden)`).
    It also flags a reshape that asks for a later axis first, such as `x.view(x.size(2),
    x.size(0), -1)` on a Conv1d's `(batch, channels, length)` where `permute(2, 0, 1)` is meant.
    More generally, every axis is known as an ordered product of factors (layers, directions,
    batch, time, features, channels, the equal parts of a `torch.cat`), and a reshape is
    reported when a size it asks for, at any position, is that of a factor that is not next in
    memory: `h_n.view(2, layers, batch, hidden)` of a `(layers * 2, batch, hidden)` state,
    `torch.cat([h_n[0], h_n[1]]).view(batch, -1)`, a Conv1d's output viewed as
    `(batch, length, channels)`, a Conv2d's `(batch, channels, height, width)` (through
    normalisation, activations and pooling) viewed as `(batch, width, channels * height)`. On a
    tensor whose rank is not known, a reshape that keeps its first axes and then asks for a
    later axis's size (`e.view(e.size(0), e.size(2), -1)`) is reported too. Factors are followed
    through `movedim`, `unflatten`, `repeat`/`expand`, `torch.einsum` with a literal equation,
    and `nn.Flatten`.

    ## Why is this bad?
    `view` and `reshape` never move data: they re-read the same memory in a new shape. A
    `view` with the two leading sizes swapped gives the right shape with samples and time
    steps scrambled together, and `h_n.view(batch, -1)` mixes the states of different
    samples. Nothing raises; the model learns from shuffled data. Reshapes that only split
    or merge neighbouring axes, such as `out.view(seq, batch, 2, hidden)` to separate the
    directions, are fine and are not reported.

    ## Example
    ```python
    x = x.view(x.size(1), x.size(0), -1)  # batch-first to sequence-first?
    ```

    ## Use instead
    ```python
    x = x.transpose(0, 1)  # or x.permute(1, 0, 2)
    ```

    ## Fix safety
    A `view`/`reshape` that swaps exactly the first two axes of a tensor is replaced by
    `.transpose(0, 1)` (followed by `.contiguous()` for `view`, which later `view`s may
    need): the shape stays what the code asked for and the data now matches it. The fix
    is safe. Folds of `h_n` get advice only.
    """

    CODE = "RNN005"
    NAME = "reshape-swaps-axes"
    MESSAGE = "{call} {problem}; `{method}` does not move data, so {effect}{site}"
    FIX_TITLE = "Replace `.{method}(...)` with `{replacement}`"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2, bidirectional=True)

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(x)
        seq, batch, _ = out.shape
        directions = out.view(seq, batch, 2, 32)
        per_layer = h_n.view(2, 2, batch, 32)
        return directions, per_layer
""",
        """
import torch.nn as nn

class Tagger(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(16, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 5)

    def forward(self, x):
        out, _ = self.gru(x)
        flat = out.reshape(-1, out.size(-1))
        return self.fc(flat)
""",
        """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32)

    def forward(self, x):
        x = x.transpose(0, 1)
        _, h_n = self.gru(x)
        return h_n.view(1, -1)
""",
        """
import torch
import torch.nn as nn

class ConvEncoder(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        self.conv = nn.Conv1d(10, channels, 3, padding=1)
        self.lstm = nn.LSTM(channels, 12, batch_first=True)

    def forward(self, mels):
        features = torch.relu(self.conv(mels))
        seq = features.permute(0, 2, 1).reshape(features.size(0), features.size(2), 8)
        out, _ = self.lstm(seq)
        return out
""",
        """
import torch.nn as nn

class LineReader(nn.Module):
    def __init__(self, channels=6, hidden=10):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
                                  nn.MaxPool2d((4, 1)))
        self.rnn = nn.GRU(channels * 2, hidden, batch_first=True)

    def forward(self, images):
        f = self.conv(images)
        b, c, h, w = f.shape
        out, _ = self.rnn(f.permute(0, 3, 1, 2).reshape(b, w, c * h))
        return out
""",
        """
import torch
import torch.nn as nn

class Align(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(4, 6, batch_first=True)

    def forward(self, premise, hypothesis):
        a, _ = self.encoder(premise)
        b, _ = self.encoder(hypothesis)
        similarity = torch.bmm(a, b.transpose(1, 2))  # (batch, len_a, len_b)
        flipped = similarity.transpose(1, 2)
        itself = torch.bmm(a, a.transpose(1, 2))  # (batch, len_a, len_a): one size twice
        same = itself.view(itself.size(0), itself.size(2), -1)
        rows = similarity.view(similarity.size(0), -1, similarity.size(2))
        return torch.bmm(flipped.softmax(dim=2), a), same, rows
""",
        # `reshape(batch, -1)` of the states is right with one layer, and with more the layer
        # after it raises: `w_s` takes `2 * hidden`, which the run reaches only when `layers` is 1
        """
import torch
import torch.nn as nn

class StateReducer(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, num_layers=layers, batch_first=True)
        self.w_s = nn.Linear(hidden * 2, hidden * 2, bias=False)

    def forward(self, x):
        _, (h_t, c_t) = self.lstm(x)
        batch = c_t.shape[1]
        state = torch.cat([h_t.reshape(batch, -1), c_t.reshape(batch, -1)], dim=-1)
        return self.w_s(state)
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # a middle axis swapped by a view: each sample's alignment read in the wrong order
        Invalid(
            """
import torch
import torch.nn as nn

class Align(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(4, 6, batch_first=True)

    def forward(self, premise, hypothesis):
        a, _ = self.encoder(premise)
        b, _ = self.encoder(hypothesis)
        similarity = torch.bmm(a, b.transpose(1, 2))  # (batch, len_a, len_b)
        flipped = similarity.view(similarity.size(0), similarity.size(2), -1)  # expect: RNN005:19
        return torch.bmm(flipped.softmax(dim=2), a)
"""
        ),
        # weights over scales broadcast to every speaker, then read speakers first: within each
        # step, each speaker's row holds weights of several scales and speakers
        Invalid(
            """
import torch
import torch.nn as nn

class ScaleWeights(nn.Module):
    def __init__(self, hidden=8, scales=3, speakers=2):
        super().__init__()
        self.scales, self.speakers = scales, speakers
        self.lstm = nn.LSTM(6, hidden, batch_first=True)
        self.to_weights = nn.Linear(hidden, scales)

    def forward(self, x):
        out, _ = self.lstm(x)
        weights = torch.softmax(self.to_weights(out), dim=2)
        spread = weights.unsqueeze(3).expand(-1, -1, -1, self.speakers)
        return spread.reshape(x.size(0) * x.size(1), self.speakers, self.scales)  # expect: RNN005:16
"""
        ),
        # a Conv2d's (batch, channels, height, width) flattened to (batch, width, channels * height)
        Invalid(
            """
import torch.nn as nn

class LineReader(nn.Module):
    def __init__(self, channels=6, hidden=10):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d((4, 1)))
        self.rnn = nn.GRU(channels * 2, hidden, batch_first=True)

    def forward(self, images):
        f = self.conv(images)
        b, c, h, w = f.shape
        out, _ = self.rnn(f.view(b, w, c * h))  # expect: RNN005:27
        return out
"""
        ),
        # the embedding's (batch, time, features) read as (batch, features, time)
        Invalid(
            """
import torch.nn as nn

class SpatialDropout(nn.Module):
    def __init__(self, vocab=50, dim=8, hidden=6):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.drop = nn.Dropout2d(0.2)
        self.gru = nn.GRU(dim, hidden, batch_first=True)

    def forward(self, tokens):
        e = self.embedding(tokens)
        e = self.drop(e.view(e.size(0), e.size(2), -1).unsqueeze(3))  # expect: RNN005:23
        out, _ = self.gru(e.squeeze(3).transpose(1, 2))
        return out
"""
        ),
        # `unflatten` splits like a view: h_n's first axis is layers, then directions within each
        Invalid(
            """
import torch.nn as nn

class TopLayer(nn.Module):
    def __init__(self, hidden=5, layers=3):
        super().__init__()
        self.layers = layers
        self.lstm = nn.LSTM(4, hidden, layers, batch_first=True, bidirectional=True)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return h_n.unflatten(0, (2, self.layers))[:, -1]  # expect: RNN005:16
"""
        ),
        # an einsum that moves time first, then a view that reads the batch first
        Invalid(
            """
import torch
import torch.nn as nn

class TimeMajor(nn.Module):
    def __init__(self, hidden=5):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(4, hidden, batch_first=True)

    def forward(self, x):
        out, _ = self.gru(x)
        steps = torch.einsum("btf->tbf", out)
        return steps.view(x.size(0), -1, self.hidden)  # expect: RNN005:16
"""
        ),
        # equal state slices joined on the batch axis, then read as features: rows mix samples
        Invalid(
            """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(5, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x):
        _, h_n = self.gru(x)
        both = torch.cat([h_n[0], h_n[1]], dim=0)
        return self.fc(both.view(x.size(0), 2 * self.hidden))  # expect: RNN005:24
"""
        ),
        # a Conv1d's (batch, channels, length) read as (batch, length, channels)
        Invalid(
            """
import torch
import torch.nn as nn

class ConvEncoder(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        self.channels = channels
        self.conv = nn.Conv1d(10, channels, 3, padding=1)
        self.lstm = nn.LSTM(channels, 12, batch_first=True)

    def forward(self, mels):
        features = torch.relu(self.conv(mels))
        seq = features.view(features.size(0), features.size(2), self.channels)  # expect: RNN005:15
        out, _ = self.lstm(seq)
        return out
"""
        ),
        # h_n's first axis runs over layers, then directions within each layer
        Invalid(
            """
import torch.nn as nn

class TopLayer(nn.Module):
    def __init__(self, hidden=5, layers=3):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.lstm = nn.LSTM(4, hidden, layers, batch_first=True, bidirectional=True)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return h_n.view(2, self.layers, x.size(0), self.hidden)[:, -1]  # expect: RNN005:16
"""
        ),
        # the directions of a bidirectional output are split from the features, not from time
        Invalid(
            """
import torch.nn as nn

class ForwardOnly(nn.Module):
    def __init__(self, hidden=6):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(4, hidden, batch_first=True, bidirectional=True)

    def forward(self, x):
        out, _ = self.gru(x)
        return out.reshape(x.size(0), 2, x.size(1), self.hidden)[:, 0]  # expect: RNN005:16
"""
        ),
        # the function form is reported too; its fix is left to the reader (no receiver to keep)
        Invalid(
            """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)

    def forward(self, x):
        out, _ = self.gru(x)
        return torch.reshape(out, (out.size(1), out.size(0), 16))  # expect: RNN005:16
""",
        ),
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 16)

    def forward(self, x):
        x = x.view(x.size(1), x.size(0), -1)  # expect: RNN005:13
        _, h_n = self.gru(x)
        return h_n[-1]
""",
            fixed="""
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 16)

    def forward(self, x):
        x = x.transpose(0, 1).contiguous()
        _, h_n = self.gru(x)
        return h_n[-1]
""",
        ),
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 16)

    def forward(self, x):
        batch_size, seq_len, n = x.shape
        out, _ = self.lstm(x.reshape(seq_len, batch_size, n))  # expect: RNN005:28
        return out
""",
            fixed="""
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 16)

    def forward(self, x):
        batch_size, seq_len, n = x.shape
        out, _ = self.lstm(x.transpose(0, 1))
        return out
""",
        ),
        Invalid(
            """
from torch import nn

class Summary(nn.Module):
    def __init__(self, hidden=32, layers=2):
        super().__init__()
        self.gru = nn.GRU(8, hidden, num_layers=layers, batch_first=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        return h_n.view(x.size(0), -1)  # expect: RNN005:16
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Summary(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.hidden = hidden
        self.lstm = nn.LSTM(8, hidden, bidirectional=True)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return h_n.view(-1, 2 * self.hidden)  # expect: RNN005:16
"""
        ),
    ]

    def check(self, context):
        # a reshape in a run of an entry method (`generate(x)` of one sample made a batch of one)
        # mixes nothing when there is one sample: such findings rest on more than the code says
        for report in self._reports(context):
            if report.event is not None and context.facts.from_entry(report.event) \
                    and report.fields.get("effect") == MIXES_SAMPLES:
                continue
            # a finding of a site's or a caller's run says where the class was built or called
            report.fields["site"] = where_run(report.event.guard) if report.event is not None else ""
            yield report

    def _reports(self, context):
        required: dict = {}  # id(scope) -> the sizes its layer calls need (`_requirements`)
        for scope, event in context.facts.of(Reshape):
            tensor, dims = event.tensor, list(event.dims)
            if len(dims) < 2 or not all(isinstance(d, (Poly, Unknown)) for d in dims):
                continue
            if id(scope) not in required:
                required[id(scope)] = required_sizes(scope)
            # a layer call of the run goes through only with some sizes: judged with them
            guard = pinned_guard(event.guard, required[id(scope)])
            method = event.method
            reordered = _reordered_axes(tensor, dims, guard)
            if reordered is not None:
                yield self._swap_report(event, tensor, dims, method, reordered, context.facts)
            elif tensor.origin in ("h_n", "c_n") and _folds_state(tensor, dims, guard):
                yield self.report(
                    event.node, event=event, call=f"`{source_of(event.node)}`", method=method, replacement="",
                    problem=f"folds the `num_layers * num_directions` axis of `{tensor.origin}` into the other axes",
                    effect=MIXES_SAMPLES,
                    help=f"index the layers first (`{tensor.origin}[-1]`, or `torch.cat(({tensor.origin}[-2], "
                         f"{tensor.origin}[-1]), dim=1)`), or permute the batch axis to the front",
                )
            elif (middle := _middle_axis_skipped(tensor, dims, guard)) is not None:
                later, position = middle
                assert tensor.shape is not None  # (only known shapes are judged there)
                rest = [axis for axis in range(len(tensor.shape)) if axis >= position and axis != later]
                order = [*range(position), later, *rest]
                text = f"permute({', '.join(map(str, order))})" if len(tensor.shape) == len(dims) else "permute(...)"
                yield self.report(
                    event.node, event=event, call=f"`{source_of(event.node)}`", method=method, replacement=text,
                    problem=f"puts axis {later} before axis {position} by reshaping",
                    effect=_effect_of_moving(tensor, position, later),
                    help=f"use `.{text}`" + (" before the `view`" if len(tensor.shape) != len(dims) else ""),
                )
            else:
                misread = _misread(tensor, dims, guard)
                if misread is not None:
                    yield self.report(
                        event.node, event=event, call=f"`{source_of(event.node)}`", method=method, replacement="",
                        problem=f"asks for the {_named(misread.wanted)} axis at position {misread.axis}, where the "
                                f"data holds the {_named(misread.skipped)} axis first",
                        effect=_effect_of_misread(tensor, misread),
                        help=f"move the {_named(misread.wanted)} axis into place with `permute`/`transpose` before "
                             f"the `{method}`",
                    )

    def _swap_report(self, event, tensor, dims, method, reordered, facts):
        replacement = ".transpose(0, 1).contiguous()" if method == "view" else ".transpose(0, 1)"
        replacements: tuple = ()
        call = event.node
        rank = len(tensor.shape) if tensor.shape is not None else None
        if reordered != (1, 0):
            # the sizes of later axes asked for first: a permute is meant
            order = list(reordered) + [axis for axis in range(rank or len(dims)) if axis not in reordered]
            text = f"permute({', '.join(map(str, order))})" if rank == len(dims) else "permute(...)"
            return self.report(
                call, event=event, call=f"`{source_of(call)}`", method=method, replacement=text,
                problem=f"puts axis {reordered[0]} before axis {reordered[1]} by reshaping",
                effect=_effect_of_moving(tensor, reordered[1], reordered[0]),
                help=f"use `.{text}`",
            )
        # a pure swap of the first two axes: every other axis kept as it is (or left to -1)
        pure = (rank is None or rank == len(dims)) and all(
            _equal(dims[index], _axis(tensor, index), event.guard)
            or (index == len(dims) - 1 and as_int(dims[index]) == -1)
            for index in range(2, len(dims))
        )
        # `x.view(...)` only: in `torch.reshape(x, ...)` the attribute's value is the module
        if pure and method in ("view", "reshape") and isinstance(call.func, ast.Attribute) \
                and facts.imports.resolve(call.func.value) is None:
            replacements = ((call, _receiver(facts.lines, call.func) + replacement),)
        return self.report(
            call, event=event, call=f"`{source_of(call)}`", method=method, replacement=replacement.lstrip("."),
            problem="swaps the first two axes by reshaping", replacements=replacements,
            effect=_effect_of_moving(tensor, 0, 1),
            help="use `.transpose(0, 1)` or `.permute(1, 0, 2)`",
        )


# what a reshape that reads the data out of order does, by where the batch axis is
MIXES_SAMPLES = "samples are scrambled: rows mix values of different samples"


def _out_of_order(first: str, second: str) -> str:
    return f"the values of {first} and {second} are read in the wrong order"


def _within_each_sample(first: str, second: str) -> str:
    return (f"the samples stay apart, but within each sample the values of {first} and {second} are read in the "
            "wrong order")


def _batch_axes(tensor: Tensor) -> set:
    """The axes of ``tensor`` that hold (part of) its batch, by role or by factor."""
    axes = axes_of(tensor) or ()
    return {index for index, made_of in enumerate(axes)
            if tensor.role(index) == BATCH or any(factor.name == BATCH_FACTOR for factor in made_of)}


def _axis_names(tensor: Tensor, first: int, second: int) -> tuple[str, str]:
    """How a message names two axes: by what they are made of when both are known, else by position."""
    axes = axes_of(tensor) or ()
    names = []
    for index in (first, second):
        made_of = axes[index] if index < len(axes) else ()
        named = [factor.name for factor in made_of if factor.name]
        if not named or len(named) != len(made_of):
            return f"axes {first}", f"{second}"
        names.append(f"`{' x '.join(named)}`")
    return names[0], names[1]


def _effect_of_moving(tensor: Tensor, earlier: int, later: int) -> str:
    """A reshape that reads axis ``later`` where axis ``earlier`` is: the axes from ``earlier``
    to ``later`` are read out of order, the others are not."""
    batch = _batch_axes(tensor)
    if any(earlier <= axis <= later for axis in batch):
        return MIXES_SAMPLES
    first, second = _axis_names(tensor, later, earlier)
    return _within_each_sample(first, second) if batch else _out_of_order(first, second)


def _effect_of_misread(tensor: Tensor, misread) -> str:
    """Samples stay apart when the batch factor is among those read in place around it."""
    if any(factor.name == BATCH_FACTOR for factor in misread.kept):
        return _within_each_sample(_named(misread.wanted), _named(misread.skipped))
    axes = axes_of(tensor) or ()
    if any(factor.name == BATCH_FACTOR for made_of in axes for factor in made_of) or _batch_axes(tensor):
        return MIXES_SAMPLES
    return _out_of_order(_named(misread.wanted), _named(misread.skipped))


def _misread(tensor: Tensor, dims: list, guard):
    """The first size asked for that the memory order of the tensor's factors does not have
    next (`_axes.regroup`), when both factors involved cannot be 1."""
    axes = axes_of(tensor)
    if axes is None:
        return None
    solved = reshape(tensor, list(dims)).shape
    assert solved is not None  # a tensor whose axes are known keeps them known
    if not _equal(product(solved), product(tensor.shape), guard):
        # sizes that do not keep the element count: a case that cannot run as written (or one
        # the analysis pairs with a configuration it never meets), not a silent misread
        return None
    _, misread = regroup(axes, list(solved), lambda a, b: _equal(a, b, guard))
    if misread is None or not (_not_one(misread.wanted.size, guard) and _not_one(misread.skipped.size, guard)):
        return None
    return misread


def _named(factor) -> str:
    return f"`{factor.name}`" if factor.name else "`" + str(factor.size.describe()) + "`"


def _receiver(lines, method: ast.Attribute) -> str:
    """The code of what a method is called on, with its own parentheses (``(x + 1)`` of
    ``(x + 1).view``), which Python's parser leaves out of the value's span: the attribute's
    span starts at them, and they close before the ``.``."""
    start = lines.characters(method)[:2]
    end, _ = past_parentheses(lines, lines.characters(method.value)[2:], lines.characters(method)[2:])
    return text_between(lines, start, end)


def _axis(tensor: Tensor, index: int):
    """Axis ``index`` of ``tensor``: its size, or the symbol for it when the rank is unknown."""
    if tensor.shape is not None:
        return tensor.shape[index] if index < len(tensor.shape) else None
    if tensor.key is not None:
        return axis_symbol(tensor.key, index)
    return None


def _equal(first, second, guard) -> bool:
    return first is not None and second is not None and compare(first, second, guard).verdict == EQUAL


def _settled(value, guard):
    """``value`` itself, or its one case where ``guard`` holds (a size that is `2*hidden` when
    `bidirectional`, in the run where it is)."""
    found = list(cases(value, guard))
    return found[0][1] if len(found) == 1 else value


def _not_one(value, guard) -> bool:
    """No case of ``value`` is 1, with the sizes the guard pins (`if num_layers == 1:`) put in."""
    return all(compare(size, number(1), case_guard).verdict != EQUAL and as_int(size) != 1
               for case_guard, size in cases(value, guard))


def _reordered_axes(tensor: Tensor, dims: list, guard) -> tuple | None:
    """``(i, j)`` with ``i > j`` when the first two sizes asked for are those of axes ``i`` and ``j``,
    each size naming one axis alone: a reshape never moves a later axis before an earlier one.
    On a tensor known only by its name (rank and factors unknown), also when the sizes asked for
    keep axes ``0 .. j-1`` in place and then ask for axis ``i`` where axis ``j`` comes next."""
    skipped = _skipped_axis(tensor, dims, guard)
    if skipped is not None:
        return skipped
    rank = len(tensor.shape) if tensor.shape is not None else max(2, len(dims))
    named = []
    for wanted in dims[:2]:
        axes = [axis for axis in range(rank) if _equal(wanted, _axis(tensor, axis), guard)]
        if len(axes) != 1:
            return None
        named.append(axes[0])
    later, earlier = named
    if later <= earlier:
        return None
    first, second = _axis(tensor, later), _axis(tensor, earlier)
    if not (_not_one(first, guard) and _not_one(second, guard)) or _equal(first, second, guard):
        return None
    return later, earlier


def _skipped_axis(tensor: Tensor, dims: list, guard) -> tuple | None:
    if tensor.shape is not None or tensor.key is None:
        return None
    for position, wanted in enumerate(dims):
        if position == 0 or _equal(wanted, _axis(tensor, position), guard):
            if position == 0 and not _equal(wanted, _axis(tensor, 0), guard):
                return None  # the first axis moved: the check on the first two sizes judges it
            continue
        later = [axis for axis in range(position + 1, len(dims) + 1) if _equal(wanted, _axis(tensor, axis), guard)]
        if len(later) != 1 or not (_not_one(wanted, guard) and _not_one(_axis(tensor, position), guard)):
            return None
        return later[0], position
    return None


def _middle_axis_skipped(tensor: Tensor, dims: list, guard) -> tuple | None:
    """``(i, j)`` when a reshape of a tensor of known shape keeps axes ``0 .. j-1`` in place
    (``j > 0``: the first two sizes are judged by ``_reordered_axes``), then asks for the size
    of axis ``i > j`` alone where axis ``j`` comes next: ``x.view(x.size(0), x.size(2), -1)``
    of a ``(batch, channels, time)`` tensor. The two sizes differ and neither can be 1."""
    if tensor.shape is None or len(dims) < 3 or len(tensor.shape) < 3:
        return None
    rank = len(tensor.shape)
    for position, wanted in enumerate(dims):
        if position >= rank:
            return None
        here = tensor.shape[position]
        if _equal(wanted, here, guard):
            continue
        if position == 0:
            return None
        later = [axis for axis in range(position + 1, rank) if _equal(wanted, tensor.shape[axis], guard)]
        if len(later) != 1 or not (_not_one(wanted, guard) and _not_one(here, guard)):
            return None
        if any(_equal(wanted, tensor.shape[axis], guard) for axis in range(position)):
            return None  # the size also names an axis already in place: which one is meant is not known
        return later[0], position
    return None


def _folds_state(tensor: Tensor, dims: list, guard) -> bool:
    """True when a reshape of ``(layers, batch, hidden)`` mixes the layers axis across samples."""
    if tensor.shape is None or len(tensor.shape) != 3 or tensor.role(1) != BATCH:
        return False
    layers, batch, hidden = tensor.shape
    if not (_not_one(layers, guard) and _not_one(batch, guard)):
        return False
    if any(as_int(size) == 1 for _, size in cases(layers, guard)):
        return False
    result = reshape(tensor, list(dims)).shape
    if _equal(dims[0], batch, guard):
        return True  # the batch moved to the front without moving the data
    if _equal(dims[0], layers, guard):
        return False  # the layers axis stays first: only batch and hidden, adjacent, are merged
    last = _settled(result[-1], guard) if result else None
    hidden = _settled(hidden, guard)
    if last is None or isinstance(last, Unknown) or _equal(last, hidden, guard):
        return False
    # the last axis now spans more than one hidden vector: it crosses the batch axis
    ratio = exact_quotient(last, hidden) if isinstance(last, Poly) and isinstance(hidden, Poly) else None
    return isinstance(ratio, Poly) and not ratio.is_opaque and ratio.constant != 1 and (
        ratio.constant is None or ratio.constant > 1
    )
