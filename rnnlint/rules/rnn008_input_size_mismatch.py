"""RNN008: an RNN's ``input_size`` differs from the features of the tensor fed to it."""

from __future__ import annotations

from typing import ClassVar

from .._analysis import (
    CELL_KINDS,
    DIFFERENT,
    EQUAL,
    RNN_KINDS,
    CellCall,
    Packed,
    RnnCall,
    cases,
    compare,
)
from ._base import Invalid, Rule
from ._util import condition_of, definite, layer_label, layers_in, origin_of, show, when


class InputSizeMismatch(Rule):
    """
    ## What it does
    Checks that an RNN's `input_size` equals the features of the tensor it is called with:
    an `Embedding`'s `embedding_dim`, a `Linear`'s `out_features`, a `Conv1d`'s
    `out_channels` after a permute, or the `num_directions * hidden_size` of a previous RNN.
    A recurrent cell's `input_size` is checked against what each step is fed the same way.

    ## Why is this bad?
    PyTorch raises `input.size(-1) must be equal to input_size` on the first forward pass;
    the wrong number is in `__init__`, the error in `forward`. With stacked bidirectional
    RNNs the mistake is easy to make and easy to miss in review.

    ## Example
    ```python
    self.embedding = nn.Embedding(vocab_size, 100)
    self.lstm = nn.LSTM(128, hidden_size, batch_first=True)
    ```

    ## Use instead
    ```python
    self.embedding = nn.Embedding(vocab_size, 100)
    self.lstm = nn.LSTM(100, hidden_size, batch_first=True)
    ```

    ## Fix safety
    No fix: either side may be the intended size.
    """

    CODE = "RNN008"
    NAME = "input-size-mismatch"
    MESSAGE = "{rnn} is built with `input_size` {expected}, but is fed {actual} features{actual_origin}{condition}"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, vocab, dim=100, hidden=64):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.lstm2 = nn.LSTM(2 * hidden, hidden, batch_first=True)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        out, _ = self.lstm2(out)
        return out
""",
        """
import torch.nn as nn

class CRNN(nn.Module):
    def __init__(self, channels=32):
        super().__init__()
        self.conv = nn.Conv1d(1, channels, kernel_size=3, padding=1)
        self.gru = nn.GRU(channels, 16, batch_first=True)

    def forward(self, x):
        features = self.conv(x).permute(0, 2, 1)
        out, _ = self.gru(features)
        return out
""",
        """
import torch
import torch.nn as nn

class InputFeedingDecoder(nn.Module):
    def __init__(self, vocab=20, emb_dim=8, hidden=12):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb_dim)
        self.cell = nn.GRUCell(emb_dim + hidden, hidden)

    def forward(self, tokens):
        h = torch.zeros(tokens.size(0), self.hidden)
        for t in range(tokens.size(1)):
            h = self.cell(torch.cat([self.embed(tokens[:, t]), h], dim=1), h)
        return h
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, vocab_size, hidden_size=64):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 100)
        self.lstm = nn.LSTM(128, hidden_size, batch_first=True)  # expect: RNN008:21

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return out
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Stacked(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.first = nn.GRU(16, hidden, bidirectional=True)
        self.second = nn.GRU(hidden, hidden)  # expect: RNN008:23

    def forward(self, x):
        y, _ = self.first(x)
        z, _ = self.second(y)
        return z
"""
        ),
        Invalid(
            """
import torch.nn as nn

class CRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 64, kernel_size=3, padding=1)
        self.gru = nn.GRU(32, 16, batch_first=True)  # expect: RNN008:20

    def forward(self, x):
        out, _ = self.gru(self.conv(x).transpose(1, 2))
        return out
"""
        ),
        Invalid(
            """
import torch
import torch.nn as nn

class GreedyDecoder(nn.Module):
    def __init__(self, vocab=20, emb_dim=8, hidden=12):
        super().__init__()
        self.hidden = hidden
        self.embed = nn.Embedding(vocab, emb_dim)
        self.cell = nn.GRUCell(emb_dim + hidden, hidden)  # expect: RNN008:21

    def forward(self, tokens):
        h = torch.zeros(tokens.size(0), self.hidden)
        for t in range(tokens.size(1)):
            h = self.cell(self.embed(tokens[:, t]), h)
        return h
"""
        ),
    ]

    def check(self, context):
        for scope, event in context.facts.of(RnnCall):
            for guard, rnn in layers_in(event.rnn, event.guard, RNN_KINDS):
                # every case of the input is judged together: one behind a condition the
                # analysis cannot evaluate is reported only if no other case fits
                outcomes: list[tuple] = []
                for input_guard, fed in cases(event.input, guard):
                    features = fed.feature if isinstance(fed, Packed) else getattr(fed, "last_axis", None)
                    if features is None:
                        outcomes.append((input_guard, None, None))
                        continue
                    # one outcome per configuration: each says whether the input fits there
                    for size_guard, size in cases(rnn.param("input_size"), input_guard):
                        for case_guard, width in cases(features, size_guard):
                            comparison = compare(size, width, case_guard)
                            flagged = True if comparison.verdict == DIFFERENT else (
                                False if comparison.verdict == EQUAL else None)
                            outcomes.append((case_guard | comparison.guard, flagged,
                                             (comparison, case_guard, input_guard)))
                for _, (comparison, case_guard, input_guard) in definite(outcomes):
                    # say the fewest conditions: all configurations at once where they all differ
                    given = dict(cases(event.input, guard)).get(input_guard)
                    features = given.feature if isinstance(given, Packed) else getattr(given, "last_axis", None)
                    whole = compare(rnn.param("input_size"), features, input_guard) if features is not None else None
                    if whole is not None and whole.verdict == DIFFERENT:
                        comparison, case_guard = whole, input_guard
                    yield self.report(
                        rnn.node, rnn=layer_label(rnn),
                        expected=_with_origin(comparison.first, scope),
                        actual=show(comparison.second, scope.aliases),
                        actual_origin=origin_of(comparison.second, scope.configuration),
                        condition=when(condition_of(comparison, case_guard)),
                        help=f"build it with `input_size` {show(comparison.second, scope.aliases)}",
                    )
                    break
        yield from self._check_cells(context)

    def _check_cells(self, context):
        """A cell takes `(batch, input_size)`: the last axis of what each step is fed."""
        reported = set()
        for scope, event in context.facts.of(CellCall):
            for guard, cell in layers_in(event.cell, event.guard, CELL_KINDS):
                outcomes: list = []
                for input_guard, fed in cases(event.input, guard):
                    features = getattr(fed, "last_axis", None)
                    if features is None:
                        outcomes.append((input_guard, None, None))
                        continue
                    for size_guard, size in cases(cell.param("input_size"), input_guard):
                        for case_guard, width in cases(features, size_guard):
                            comparison = compare(size, width, case_guard)
                            flagged = True if comparison.verdict == DIFFERENT else (
                                False if comparison.verdict == EQUAL else None)
                            outcomes.append((case_guard | comparison.guard, flagged, (comparison, case_guard)))
                for _, (comparison, case_guard) in definite(outcomes):
                    if id(cell.node) in reported:
                        break
                    reported.add(id(cell.node))
                    yield self.report(
                        cell.node, rnn=layer_label(cell),
                        expected=_with_origin(comparison.first, scope),
                        actual=show(comparison.second, scope.aliases),
                        actual_origin=origin_of(comparison.second, scope.configuration),
                        condition=when(condition_of(comparison, case_guard)),
                        help=f"build it with `input_size` {show(comparison.second, scope.aliases)}",
                    )
                    break


def _with_origin(size, scope) -> str:
    """The size as the message shows it, and where it comes from when an option's default."""
    return show(size, scope.aliases) + origin_of(size, scope.configuration)
