"""RNN001: a head whose ``in_features`` differs from the features the RNN gives it."""

from __future__ import annotations

import ast
from typing import ClassVar

from .. import _shapes
from .._analysis import (
    DIFFERENT,
    EQUAL,
    LAYERS_FACTOR,
    RNN_KINDS,
    UNKNOWN_ORDER,
    Comparison,
    Poly,
    axes_of,
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
    directed_label,
    direction_word,
    head_calls,
    layer_label,
    layers_in,
    operand,
    origin_of,
    show,
    tensors_in,
    when,
)


class HeadFeaturesMismatch(Rule):
    """
    ## What it does
    Checks that a `Linear` fed an RNN's output (or a slice of `h_n`) is built with as many
    input features as it receives. The `h` of a recurrent cell (`nn.LSTMCell`, `nn.GRUCell`,
    `nn.RNNCell`) has `hidden_size` features, one direction. A head whose `in_features` grows
    with a symbol the code passes as an RNN's `num_layers` (`hidden * num_layers`), fed
    features that do not (the two directions of the last layer, `2 * hidden`), is reported even
    where the default values happen to agree: the sizes meet for one layer count at most.

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
    MESSAGE = "{head} takes {expected} input features{expected_origin}, but receives {actual} from {source}{condition}"
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
        """
import torch.nn as nn

class CellRegressor(nn.Module):
    def __init__(self, hidden=10):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(4, hidden)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, x):
        h = c = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.fc(h)
""",
        """
import torch.nn as nn

class AllLayers(nn.Module):
    def __init__(self, hidden=8, num_layers=2, n_classes=4):
        super().__init__()
        self.lstm = nn.LSTM(6, hidden, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden * num_layers, n_classes)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        # every layer's state, per sample: the features do grow with the layers
        return self.fc(h_n.permute(1, 0, 2).reshape(x.size(0), -1))
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # the last valid step of each sample, gathered: both directions' features
        Invalid(
            """
import torch.nn as nn

class LastStep(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(6, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden, 3)  # expect: RNN001:19

    def forward(self, x, lengths):
        out, _ = self.lstm(x)
        steps = (lengths - 1).view(-1, 1, 1).expand(x.size(0), 1, out.size(2))
        return self.fc(out.gather(1, steps).squeeze(1))
""",
            fixed="""
import torch.nn as nn

class LastStep(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.lstm = nn.LSTM(6, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, 3)

    def forward(self, x, lengths):
        out, _ = self.lstm(x)
        steps = (lengths - 1).view(-1, 1, 1).expand(x.size(0), 1, out.size(2))
        return self.fc(out.gather(1, steps).squeeze(1))
""",
        ),
        # the head counts layers where the state gives directions; with 2 layers they agree
        Invalid(
            """
import torch
import torch.nn as nn

class Classifier(nn.Module):
    def __init__(self, hidden=8, num_layers=2, n_classes=4):
        super().__init__()
        self.lstm = nn.LSTM(6, hidden, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden * num_layers, n_classes)  # expect: RNN001:19

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1))
"""
        ),
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
        Invalid(
            """
import torch.nn as nn

class CellRegressor(nn.Module):
    def __init__(self, hidden=10):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(4, hidden)
        self.fc = nn.Linear(2 * hidden, 1)  # expect: RNN001:19

    def forward(self, x):
        h = c = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.fc(h)
"""
        ),
    ]

    def check(self, context):
        layer_counts = _layer_count_symbols(context.facts)
        for scope, event, guard, called, head in head_calls(context.facts):
            conflict = _role_conflict(head, event, guard, layer_counts)
            if conflict is not None:
                tensor, atom = conflict
                comparison = Comparison(DIFFERENT, frozenset(), head.param("in_features"), tensor.last_axis)
                report = self._report(head, called, tensor, comparison, scope, frozenset(), context.facts.lines)
                report.fields["condition"] = (f"; `{scope.aliases.get(atom, atom)}` is the `num_layers` of "
                                              f"{layer_label(layer_counts[atom])}, and these features do not "
                                              "grow with it")
                yield report
                continue
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
                        # only features that come from a recurrent module (or a cell's step) are reported
                        recurrent = tensor.rnn is not None or context.facts.cell_call_of(tensor) is not None
                        flagged = (comparison.verdict == DIFFERENT and recurrent) or (
                            False if comparison.verdict == EQUAL else None)
                        outcomes.append((case_guard | comparison.guard, flagged,
                                         (tensor, comparison, case_guard, tensor_guard)))
            for _, (tensor, comparison, case_guard, tensor_guard) in definite(outcomes):
                # say the fewest conditions: all configurations at once where they all differ
                whole = compare(head.param("in_features"), tensor.last_axis, tensor_guard)
                if whole.verdict == DIFFERENT:
                    comparison, case_guard = whole, tensor_guard
                report = self._report(head, called, tensor, comparison, scope,
                                      condition_of(comparison, case_guard), context.facts)
                if report is not None:
                    yield report
                break

    def _report(self, head, called, tensor, comparison, scope, condition, facts):
        lines = facts.lines
        label = layer_label(head) if head is called else f"the first `Linear` of {layer_label(called)}"
        rnn = tensor.rnn
        if rnn is None:
            # a cell's `h'`: `(batch, hidden_size)`, one direction
            step = facts.cell_call_of(tensor)
            rnn = next((layer for _, layer in layers_in(step.cell, frozenset())), None) if step else None
            if rnn is None:
                return None
        source = directed_label(rnn, condition)
        fields: dict = dict(
            head=label, expected=show(comparison.first, scope.aliases), actual=show(comparison.second, scope.aliases),
            expected_origin=origin_of(comparison.first, scope.configuration),
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


def _layer_count_symbols(facts) -> dict:
    """The symbols passed as some RNN's ``num_layers``: their role is the layer count, whatever
    they are named."""
    found: dict = {}
    for _, layer in facts.layers:
        if layer.kind in RNN_KINDS:
            for _, count in cases(layer.param("num_layers")):
                if isinstance(count, Poly) and not count.is_opaque and isinstance(count.symbol, str):
                    found.setdefault(count.symbol, layer)
    return found


def _role_conflict(head, event, guard, layer_counts: dict):
    """``(tensor, symbol)`` when the head's ``in_features`` grows with a layer count while the
    RNN's features it receives do not (no layers factor, no such symbol): the sizes can agree
    for one layer count at most, so the code is wrong for every other one."""
    expected_cases = list(cases(head.param("in_features"), guard))
    if len(expected_cases) != 1 or not isinstance(expected_cases[0][1], Poly):
        return None
    expected = expected_cases[0][1]
    counts = expected.atoms & set(layer_counts)
    if expected.is_opaque or not counts:
        return None
    received = list(tensors_in(event.args[0], guard))
    if len(received) != 1:
        return None
    _, tensor = received[0]
    features = tensor.last_axis
    axes = axes_of(tensor)
    if tensor.rnn is None or axes is None or not isinstance(features, Poly) or features.is_opaque:
        return None
    if any(factor.name == LAYERS_FACTOR for factor in axes[-1]) or counts & features.atoms:
        return None
    return tensor, sorted(counts)[0]


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
