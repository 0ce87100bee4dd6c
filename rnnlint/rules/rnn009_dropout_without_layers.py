"""RNN009: ``dropout`` on a single-layer RNN, where PyTorch applies it nowhere."""

from __future__ import annotations

import ast
from typing import ClassVar

from .._analysis import (
    RNN_KINDS,
    UNKNOWN,
    Opaque,
    Poly,
    as_int,
    as_number,
    cases,
)
from .._source import SourceLines
from ._base import Invalid, Rule
from ._edits import arguments_of, next_column, span_between
from ._util import layer_label, origin_of, when


class DropoutWithoutLayers(Rule):
    """
    ## What it does
    Checks for an `RNN`, `LSTM` or `GRU` built with a `dropout` above 0 and `num_layers` 1.
    A `dropout` that is a parameter of the enclosing definition counts when its default is
    above 0 and `num_layers` is 1 whatever is passed (a literal, or left out): what the
    author expects callers to leave out never acts.

    ## Why is this bad?
    The `dropout` argument of PyTorch's recurrent modules acts between stacked layers only:
    on the outputs of every layer but the last. With one layer there is no such output, so
    the model trains without the regularisation its author asked for. PyTorch only warns
    once, at construction, and the warning is easy to lose in a training log.

    ## Example
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, dropout=0.3)
    ```

    ## Use instead
    Stack layers, so the dropout acts between them:
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, dropout=0.3)
    ```
    or keep one layer and apply dropout to its output:
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size)
    self.dropout = nn.Dropout(0.3)
    ```

    ## Fix safety
    The fix removes the `dropout=` keyword. It does not change what the model computes
    (the dropout was never applied) but it drops what the code says was intended, and
    `module.dropout` reads 0 afterwards, so it is unsafe and applies only with
    `--unsafe-fixes`. It is offered only when `num_layers` is 1 in every configuration and
    in every call that builds this module; a positional `dropout` gets advice only.
    """

    CODE = "RNN009"
    NAME = "dropout-without-layers"
    MESSAGE = (
        "{rnn} sets `dropout` to {dropout} but has `num_layers` `1`{layers_origin}{condition}; "
        "dropout acts only between stacked layers"
    )
    FIX_TITLE = "Remove `dropout` from {rnn}"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=16):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, dropout=0.5)
        self.gru = nn.GRU(hidden_size, hidden_size, dropout=0.0)
        self.rnn = nn.RNN(hidden_size, hidden_size, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        out, _ = self.gru(out)
        out, _ = self.rnn(out)
        return out
""",
        """
from torch import nn

class Tagger(nn.Module):
    def __init__(self, emb_dim, hidden, num_layers=1, dropout=0.2):
        super().__init__()
        # num_layers is a parameter: its default 1 is not what every caller passes
        self.rnn = nn.LSTM(emb_dim, hidden, num_layers=num_layers, dropout=dropout)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.drop(out)
""",
        """
import torch.nn as nn

class Stack(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gru = nn.GRU(cfg.input_size, cfg.hidden, num_layers=cfg.layers,
                          dropout=cfg.dropout if cfg.layers > 1 else 0.0)
        self.lstm = nn.LSTM(8, 16, **cfg.extra, dropout=0.3)

    def forward(self, x):
        out, _ = self.gru(x)
        return out
""",
        """
import torch.nn as nn

N_LAYERS = 3

class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(32, 64, N_LAYERS, True, True, 0.25)

    def forward(self, x):
        out, _ = self.lstm(x)
        return out
""",
        """
import torch.nn as nn

class Encoder(nn.Module):
    # a rate that can only be 0, and one the layer count guards
    def __init__(self, input_size=10, hidden_size=16, dropout=0.0, rate=0.3):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, dropout=dropout)
        self.lstm = nn.LSTM(hidden_size, hidden_size, 1, dropout=rate if 1 > 1 else 0.0)
        self.drop = nn.Dropout(rate)

    def forward(self, x):
        out, _ = self.gru(x)
        out, _ = self.lstm(out)
        return self.drop(out)
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        # a parameter's default above 0 reaches a layer that has one layer whatever is passed
        Invalid(
            """
import torch.nn as nn

class Forecaster(nn.Module):
    def __init__(self, n_features=3, hidden=8, dropout=0.3):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True, dropout=dropout)  # expect: RNN009:21
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=16):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, dropout=0.3)  # expect: RNN009:21

    def forward(self, x):
        out, _ = self.lstm(x)
        return out
""",
            fixed="""
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=16):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)

    def forward(self, x):
        out, _ = self.lstm(x)
        return out
""",
        ),
        Invalid(
            """
from torch.nn import GRU, Module

LAYERS = 1
DROPOUT = 0.2

class Encoder(Module):
    def __init__(self, vocab_dim):
        super().__init__()
        self.gru = GRU(  # expect: RNN009:20
            input_size=vocab_dim,
            hidden_size=128,
            dropout=DROPOUT,
            num_layers=LAYERS,
        )

    def forward(self, x):
        return self.gru(x)[0]
""",
            fixed="""
from torch.nn import GRU, Module

LAYERS = 1
DROPOUT = 0.2

class Encoder(Module):
    def __init__(self, vocab_dim):
        super().__init__()
        self.gru = GRU(
            input_size=vocab_dim,
            hidden_size=128,
            num_layers=LAYERS,
        )

    def forward(self, x):
        return self.gru(x)[0]
""",
        ),
        Invalid(
            """
import torch

class Elman(torch.nn.Module):
    def __init__(self, features, small=True):
        super().__init__()
        self.rnn = torch.nn.RNN(features, 32, 1 if small else 3, "relu", True, False, 0.1)  # expect: RNN009:20

    def forward(self, x):
        return self.rnn(x)[0]
"""
        ),
        Invalid(
            """
import torch.nn as nn

def make_encoder(hidden):
    return nn.LSTM(16, hidden, num_layers=1, dropout=0.4, bidirectional=True)  # expect: RNN009:12
""",
            fixed="""
import torch.nn as nn

def make_encoder(hidden):
    return nn.LSTM(16, hidden, num_layers=1, bidirectional=True)
""",
        ),
    ]

    def check(self, context):
        instances: dict = {}  # a constructor call may be analysed more than once (a helper called twice)
        for scope in context.facts.scopes:
            for layer in scope.layers:
                if layer.kind in RNN_KINDS:
                    instances.setdefault(id(layer.node), []).append((layer, scope.guard, scope.configuration))
        defaults = {id(layer.node): scope.parameter_defaults for scope in context.facts.scopes
                    for layer in scope.layers if scope.configuration is None}
        for built in instances.values():
            layers = [layer for layer, _, _ in built]
            # a layer of a construction site's configuration holds under that site
            findings = [(layer, guard | site, dropout, configuration) for layer, site, configuration in built
                        for _, guard, dropout in _useless_dropout(layer)]
            if not findings:
                findings = [(*finding, None) for layer in layers
                            for finding in _dropout_by_default(layer, defaults.get(id(layer.node), {}))]
            if not findings:
                continue
            layer, guard, dropout, configuration = min(findings, key=lambda finding: len(finding[1]))
            # removing the argument changes nothing only if no configuration and no call stacks layers
            # (a rate that is a parameter's default stays: the parameter says what callers may pass)
            single = all(as_int(each.param("num_layers")) == 1 for each in layers) and not isinstance(dropout, tuple)
            yield self.report(
                layer.node, replacements=_remove_dropout(layer.node, context.facts.lines) if single else (),
                fix_safe=False, guard=guard,
                rnn=layer_label(layer), condition=when(guard),
                dropout=_rate_text(dropout) + origin_of(dropout, configuration),
                layers_origin=origin_of(layer.param("num_layers"), configuration),
                help="stack layers (`num_layers=2`) so the dropout acts between them, or drop `dropout` "
                     "and apply `nn.Dropout` to the output",
            )


def _cases_of(layer):
    """Every consistent ``(guard, num_layers, dropout)`` of ``layer``, opaque branches left out."""
    for layers_guard, num_layers in cases(layer.param("num_layers")):
        for guard, dropout in cases(layer.param("dropout"), layers_guard):
            if not any(isinstance(atom, Opaque) for atom, _ in guard):
                yield guard, num_layers, dropout


def _useless_dropout(layer):
    for guard, num_layers, dropout in _cases_of(layer):
        rate = as_number(dropout)
        # a rate above 1 raises at construction: that is RNN011's finding, not this one
        if as_int(num_layers) == 1 and rate is not None and 0 < rate <= 1:
            yield layer, guard, dropout


def _dropout_by_default(layer, defaults: dict):
    """A layer whose ``num_layers`` is 1 in every case (a literal, or left out) and whose
    ``dropout`` is a parameter of the enclosing definition defaulting to a rate above 0
    (``def __init__(self, ..., dropout=0.3)``): what a caller leaves out never acts, and the
    layer count, fixed at 1, cannot let any other value act either."""
    layer_counts = cases(layer.param("num_layers"))
    if not layer_counts or any(as_int(count) != 1 for _, count in layer_counts):
        return
    for guard, dropout in cases(layer.param("dropout")):
        if any(isinstance(atom, Opaque) for atom, _ in guard):
            continue
        name = _parameter_name(dropout)
        rate = as_number(defaults.get(name, UNKNOWN)) if name is not None else None
        if rate is not None and 0 < rate <= 1:
            yield layer, guard, (name, defaults[name])


def _rate_text(dropout) -> str:
    """The rate as the message shows it: its value, or a parameter and the default it has."""
    if isinstance(dropout, tuple):
        name, default = dropout
        return f"`{name}` (`{default.describe()}` by default)"
    return f"`{dropout.describe()}`"


def _parameter_name(value) -> str | None:
    """The name of the parameter ``value`` is, when it is one symbol alone (``dropout``, not
    ``dropout / 2``)."""
    if not isinstance(value, Poly) or len(value.terms) != 1:
        return None
    monomial, coefficient = value.terms[0]
    return monomial[0] if len(monomial) == 1 and coefficient == 1 else None


def _remove_dropout(call: ast.Call, lines: SourceLines) -> tuple:
    """Edits deleting the ``dropout=`` argument with one comma and the spacing before what follows."""
    found = arguments_of(call, lines)
    index = next((i for i, written in enumerate(found)
                  if isinstance(written.node, ast.keyword) and written.node.arg == "dropout"), None)
    if index is None:
        return ()  # passed by position: removing it would shift the arguments after it
    removed = found[index]
    previous = found[index - 1] if index else None
    if index + 1 < len(found):
        # `a, dropout=0.3, b` -> `a, b`: its comma and the spacing (or comment) after it go too
        doomed = [(removed.start, removed.end), (removed.comma, found[index + 1].start)]
    elif removed.comma is not None:
        # the last argument with a trailing comma: what closes the call stays as it was
        doomed = [(removed.start, removed.end), (removed.comma, next_column(removed.comma))]
        if previous is not None:
            assert previous.comma is not None  # an argument before another is followed by a comma
            doomed.append((next_column(previous.comma), removed.start))
    elif previous is not None:
        # the last argument: the comma before it goes, with the spacing around that comma
        doomed = [(previous.end, removed.end)]
    else:
        doomed = [(removed.start, removed.end)]
    return tuple((span_between(lines, start, end), "") for start, end in _merged(doomed))


def _merged(stretches: list) -> list:
    """Stretches that touch joined into one: one deletion each."""
    merged: list = []
    for start, end in sorted(stretches):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
