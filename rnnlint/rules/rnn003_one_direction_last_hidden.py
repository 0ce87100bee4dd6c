"""RNN003: ``h_n[-1]`` of a bidirectional RNN, which holds the backward direction only."""

from __future__ import annotations

from typing import ClassVar

from .._analysis import (
    EQUAL,
    TIME,
    IndexInt,
    IndexSlice,
    Reduce,
    Reshape,
    TensorSubscript,
    as_int,
    cases,
    compare,
    multiply,
    split_flag,
)
from ._base import Invalid, Rule
from ._util import head_calls, layer_label, tensors_in, when


class OneDirectionLastHidden(Rule):
    """
    ## What it does
    Checks for `h_n[-1]` (also `h_n[-1, :, :]`, or `hidden[0][-1]` of an LSTM state) taken
    from a bidirectional RNN as "the last hidden state". It stays silent when something else
    in the file reads that RNN's forward direction: another row or a slice of the same `h_n`
    (`h_n[-2]`, `h_n[0]`, `h_n[-2:]`), a `view` or a reduction of the whole `h_n`, or the
    RNN's output, which holds both directions at every step (attention over `outputs`,
    `out[:, -1, :hidden_size]`). With the output used, the backward direction alone can be a
    choice (a Bahdanau decoder's initial state), unless a head fed from the state takes twice
    its width: that head was built for both directions.

    ## Why is this bad?
    For a bidirectional RNN, `h_n` stacks `(layer, direction)` pairs: `h_n[-2]` is the
    forward direction of the last layer and `h_n[-1]` its backward direction. `h_n[-1]`
    alone has the expected shape, so nothing fails, but the model never sees the forward
    direction's summary of the sequence.

    ## Example
    ```python
    self.gru = nn.GRU(input_size, hidden_size, bidirectional=True)
    self.fc = nn.Linear(hidden_size, n_classes)
    ...
    _, h_n = self.gru(x)
    return self.fc(h_n[-1])
    ```

    ## Use instead
    ```python
    self.fc = nn.Linear(2 * hidden_size, n_classes)
    ...
    _, h_n = self.gru(x)
    return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))
    ```

    ## Fix safety
    No fix: the head's `in_features` must change with it, and which directions to use is a
    modelling choice.
    """

    CODE = "RNN003"
    NAME = "one-direction-last-hidden"
    MESSAGE = "`h_n[-1]` of bidirectional {rnn} is the backward direction of the last layer only{condition}"

    VALID: ClassVar[list[str]] = [
        """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 4)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(torch.cat((h_n[-2], h_n[-1]), dim=1))
""",
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, (h_n, c_n) = self.lstm(x)
        return self.fc(h_n[-1])
""",
        """
import torch
from torch import nn

class Encoder(nn.Module):
    def __init__(self, hidden, bidirectional=False):
        super().__init__()
        self.bidirectional = bidirectional
        self.rnn = nn.GRU(8, hidden, bidirectional=bidirectional)

    def forward(self, x):
        _, h = self.rnn(x)
        if self.bidirectional:
            return torch.cat([h[-2], h[-1]], dim=-1)
        return h[-1]
""",
        """
import torch.nn as nn

class Summed(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, bidirectional=True)

    def forward(self, x):
        _, h_n = self.gru(x)
        return h_n[-2] + h_n[-1]
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(16, hidden, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(h_n[-1])  # expect: RNN003:24
"""
        ),
        Invalid(
            """
from torch.nn import LSTM, Linear, Module

class Tagger(Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = LSTM(cfg.emb, cfg.hidden, batch_first=True, bidirectional=True)
        self.out = Linear(cfg.hidden, cfg.labels)

    def forward(self, x):
        _, hidden = self.encoder(x)
        last = hidden[0][-1, :, :]  # expect: RNN003:16
        return self.out(last)
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden, bidirectional=True):
        super().__init__()
        self.rnn = nn.GRU(8, hidden, bidirectional=bidirectional)
        self.proj = nn.Linear(hidden, hidden)

    def forward(self, x):
        _, h = self.rnn(x)
        return self.proj(h[-1])  # expect: RNN003:26
"""
        ),
    ]

    def check(self, context):
        rows_read = _rnns_whose_other_rows_are_read(context.facts)
        # the output holds both directions; a head twice as wide as the state row it gets was
        # still built for both, so that row alone is a mistake whatever else reads the output
        outputs_used = context.facts.rnns_whose_output_is_used() - _rnns_with_a_head_for_both_rows(context.facts)
        both_directions = rows_read | outputs_used
        for _, event in context.facts.of(TensorSubscript):
            tensor = event.tensor
            if tensor.origin != "h_n" or tensor.rnn is None or not _selects_last_layer(event.items):
                continue
            if tensor.rnn.node in both_directions:
                continue  # the forward direction is read elsewhere: both directions are used
            for guard, bidirectional in split_flag(tensor.rnn.param("bidirectional"), event.guard):
                if bidirectional:
                    yield self.report(
                        event.node, event=event, rnn=layer_label(tensor.rnn), condition=when(guard),
                        help="use `torch.cat((h_n[-2], h_n[-1]), dim=1)` with a head of `2 * hidden_size`",
                    )
                    break


def _selects_last_layer(items: tuple) -> bool:
    """``[-1]`` or ``[-1, :, :]``: the last entry of the layers*directions axis, all of the rest."""
    if not _reads_last_row_only(items):
        return False
    return all(isinstance(item, IndexSlice) and item.whole for item in items[1:])


def _rnns_whose_other_rows_are_read(facts) -> set:
    """RNNs (by construction node) whose h_n is read beyond its last row somewhere in the file:
    another row, a slice, a view or a reduction of the whole."""
    seen = set()
    for _, event in facts.of(TensorSubscript, Reshape, Reduce):
        tensor = event.tensor
        if tensor.origin == "h_n" and tensor.rnn is not None and not (
                isinstance(event, TensorSubscript) and _reads_last_row_only(event.items)):
            seen.add(tensor.rnn.node)
    return seen


def _rnns_with_a_head_for_both_rows(facts) -> set:
    """RNNs a tensor of which, with no time axis (a row of the state), reaches a head taking
    twice its features: the concatenation of both directions was meant."""
    seen = set()
    for _, event, guard, _, head in head_calls(facts):
        for tensor_guard, tensor in tensors_in(event.args[0], guard):
            if tensor.rnn is None or tensor.roles is None or TIME in tensor.roles:
                continue
            doubled = multiply(tensor.last_axis, 2)
            if any(compare(expected, doubled, expected_guard).verdict == EQUAL
                   for expected_guard, expected in cases(head.param("in_features"), tensor_guard)):
                seen.add(tensor.rnn.node)
    return seen


def _reads_last_row_only(items: tuple) -> bool:
    """``h_n[-1, ...]``: the first index is the constant -1 (anything else may reach ``h_n[-2]``)."""
    return bool(items) and isinstance(items[0], IndexInt) and as_int(items[0].value) == -1
