"""RNN001: a head whose ``in_features`` differs from the features the RNN gives it."""

from __future__ import annotations

import ast
from typing import ClassVar

from .. import _shapes
from .._analysis import (
    DIFFERENT,
    EQUAL,
    UNKNOWN_ORDER,
    Comparison,
    Poly,
    cases,
    compare,
    restrict,
    rnn_configs,
    substitute,
)
from ._base import Invalid, Rule
from ._util import (
    argument,
    argument_value,
    condition_of,
    definite,
    direction_word,
    head_calls,
    layer_label,
    operand,
    show,
    tensors_in,
    when,
)


class HeadFeaturesMismatch(Rule):
    """
    ## What it does
    Checks that a `Linear` fed an RNN's output (or a slice of `h_n`) is built with as many
    input features as it receives.

    ## Why is this bad?
    An RNN's output has `num_directions * hidden_size` features (`proj_size` for an LSTM
    with a projection). A head built with `hidden_size` after a bidirectional RNN fails at
    the first forward pass with `mat1 and mat2 shapes cannot be multiplied`, far from the
    line that is wrong. PyTorch requires `proj_size < hidden_size`, so a head built with
    `hidden_size` after a projecting LSTM is wrong whatever the sizes are.

    ## Example
    ```python
    self.lstm = nn.LSTM(32, hidden_size, batch_first=True, bidirectional=True)
    self.fc = nn.Linear(hidden_size, n_classes)
    ```

    ## Use instead
    ```python
    self.lstm = nn.LSTM(32, hidden_size, batch_first=True, bidirectional=True)
    self.fc = nn.Linear(2 * hidden_size, n_classes)
    ```

    ## Fix safety
    The fix writes `2 * <in_features>` when the head receives exactly twice what it was
    built for from an RNN that is always bidirectional. The code it replaces cannot run, so
    the fix is safe. Other mismatches get advice only.
    """

    CODE = "RNN001"
    NAME = "head-features-mismatch"
    MESSAGE = "{head} takes {expected} input features, but receives {actual} from {source}{condition}"
    FIX_TITLE = "Build {head} with {fixed} input features"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden_size=64, n_classes=5):
        super().__init__()
        self.lstm = nn.LSTM(32, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, n_classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
""",
        """
from torch import nn

class Tagger(nn.Module):
    def __init__(self, hidden_dim, bidirectional=True):
        super().__init__()
        self.num_directions = 2 if bidirectional else 1
        self.rnn = nn.GRU(16, hidden_dim // self.num_directions, bidirectional=bidirectional)
        self.out = nn.Linear(hidden_dim, 9)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.out(y)
""",
        """
import torch
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, hidden=32, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, bidirectional=bidirectional)
        if bidirectional:
            self.proj = nn.Linear(2 * hidden, hidden)
        else:
            self.proj = nn.Linear(hidden, hidden)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.proj(out)
""",
        """
import torch.nn as nn

class Dynamic(nn.Module):
    def __init__(self, rnn_type, **kwargs):
        super().__init__()
        self.rnn = getattr(nn, rnn_type)(16, 32, **kwargs)
        self.fc = nn.Linear(32, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)
""",
        """
import torch.nn as nn

class Streaming(nn.Module):
    def __init__(self, input_dim, cell_dim, proj_dim, n_tokens):
        super().__init__()
        self.rnn = nn.LSTM(input_dim, cell_dim, num_layers=2, proj_size=proj_dim)
        self.output = nn.Linear(proj_dim if proj_dim > 0 else cell_dim, n_tokens)

    def forward(self, chunk):
        out, _ = self.rnn(chunk)
        return self.output(out)
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden_size=64, n_classes=5):
        super().__init__()
        self.lstm = nn.LSTM(32, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size, n_classes)  # expect: RNN001:19

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
""",
            fixed="""
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden_size=64, n_classes=5):
        super().__init__()
        self.lstm = nn.LSTM(32, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, n_classes)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
""",
        ),
        Invalid(
            """
from torch.nn import LSTM, Linear, Module, Sequential, ReLU

class Model(Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = LSTM(cfg.emb, 128, proj_size=64)
        self.classifier = Sequential(Linear(128, 32), ReLU(), Linear(32, 4))  # expect: RNN001:38

    def forward(self, x):
        out, _ = self.encoder(x)
        return self.classifier(out[-1])
"""
        ),
        Invalid(
            """
import torch
from torch import nn

class Model(nn.Module):
    def __init__(self, hidden, bidirectional):
        super().__init__()
        self.gru = nn.GRU(10, hidden, num_layers=2, bidirectional=bidirectional)
        self.head = nn.Linear(hidden, 3)  # expect: RNN001:21

    def forward(self, x):
        out, h = self.gru(x)
        return self.head(out.mean(dim=0))
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Streaming(nn.Module):
    def __init__(self, input_dim, cell_dim, proj_dim, n_tokens):
        super().__init__()
        self.rnn = nn.LSTM(input_dim, cell_dim, num_layers=2, proj_size=proj_dim)
        self.output = nn.Linear(cell_dim, n_tokens)  # expect: RNN001:23

    def forward(self, chunk):
        out, _ = self.rnn(chunk)
        return self.output(out)
"""
        ),
    ]

    def check(self, context):
        for scope, event, guard, called, head in head_calls(context.facts):
            # every case of the features is judged, so that a case behind a condition the
            # analysis cannot evaluate is reported only if no other case fits the head
            outcomes = []
            for tensor_guard, tensor in tensors_in(event.args[0], guard):
                # one outcome per configuration: each says whether the head fits there
                for expected_guard, expected in cases(head.param("in_features"), tensor_guard):
                    for case_guard, features in cases(tensor.last_axis, expected_guard):
                        comparison = compare(expected, features, case_guard)
                        if comparison.verdict != DIFFERENT and tensor.rnn is not None:
                            projected = _compare_projected(expected, tensor, case_guard)
                            comparison = projected if projected.verdict == DIFFERENT else comparison
                        # only features that come from a recurrent module are reported
                        flagged = (comparison.verdict == DIFFERENT and tensor.rnn is not None) or (
                            False if comparison.verdict == EQUAL else None)
                        outcomes.append((case_guard | comparison.guard, flagged,
                                         (tensor, comparison, case_guard, tensor_guard)))
            for _, (tensor, comparison, case_guard, tensor_guard) in definite(outcomes):
                # say the fewest conditions: all configurations at once where they all differ
                whole = compare(head.param("in_features"), tensor.last_axis, tensor_guard)
                if whole.verdict == DIFFERENT:
                    comparison, case_guard = whole, tensor_guard
                yield self._report(head, called, tensor, comparison, scope,
                                   condition_of(comparison, case_guard), context.facts.lines)
                break

    def _report(self, head, called, tensor, comparison, scope, condition, lines):
        label = layer_label(head) if head is called else f"the first `Linear` of {layer_label(called)}"
        rnn = tensor.rnn
        source = f"{direction_word(rnn, condition)}{layer_label(rnn)}"
        fields: dict = dict(
            head=label, expected=show(comparison.first, scope.aliases), actual=show(comparison.second, scope.aliases),
            source=source, condition=when(condition), fixed="",
        )
        replacements: tuple = ()
        first, second = comparison.first, comparison.second
        in_features = argument(head.node, 0, "in_features")
        if not condition and isinstance(first, Poly) and isinstance(second, Poly) and second == first * 2 \
                and in_features is not None and direction_word(rnn, condition):
            value = argument_value(in_features)
            assert value is not None  # the argument passed has a value
            doubled = _doubled(lines, value)
            replacements = ((value, doubled),)
            fields["fixed"] = f"`{doubled}`"
        return self.report(
            head.node, replacements=replacements,
            help=f"build the head with {show(second, scope.aliases)} input features", **fields,
        )


def _compare_projected(expected, tensor, guard) -> Comparison:
    """Compare again knowing that an LSTM with a projection has ``proj_size < hidden_size`` (torch
    refuses anything else): a head built with `hidden_size` then cannot take `proj_size` features."""
    rnn = tensor.rnn
    hidden, proj = rnn.param("hidden_size"), rnn.param("proj_size")
    if rnn.kind != "LSTM" or not _is_size_symbol(hidden) or not isinstance(proj, Poly) or proj.is_opaque:
        return Comparison(UNKNOWN_ORDER)
    if not all(_shapes.has_projection(config) for _, config in rnn_configs(rnn, guard)):
        return Comparison(UNKNOWN_ORDER)
    # hidden_size = proj_size + gap with gap > 0
    (atom,), = (mono for mono, _ in hidden.terms)
    larger = proj + Poly.atom(f"{atom} - {proj.describe()}")
    comparison = compare(substitute(expected, atom, larger), substitute(tensor.last_axis, atom, larger), guard)
    if comparison.verdict != DIFFERENT:
        return comparison
    where = guard | comparison.guard
    return Comparison(DIFFERENT, comparison.guard, restrict(expected, where), restrict(tensor.last_axis, where))


def _is_size_symbol(value) -> bool:
    return isinstance(value, Poly) and not value.is_opaque and value.symbol is not None


def _doubled(lines, value: ast.expr) -> str:
    return f"2 * {operand(lines, value)}"
