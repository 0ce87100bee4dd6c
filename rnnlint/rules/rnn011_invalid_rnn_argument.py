"""RNN011: constructor arguments that ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` reject when built."""

from __future__ import annotations

import ast
import difflib
from typing import ClassVar

from .. import _pytorch
from .._analysis import (
    RNN_KINDS,
    Bool,
    Const,
    Opaque,
    Poly,
    as_int,
    as_number,
    cases,
)
from .._source import SourceLines, Span
from ._base import Invalid, Rule
from ._edits import arguments_of, span_between
from ._util import argument, layer_label, unpacks, when

# Positions of the constructor parameters (nn.RNN alone takes `nonlinearity` third).
_POSITIONS = {kind: [name for name, _ in _pytorch.constructor_parameters(kind)] for kind in RNN_KINDS}


class InvalidRnnArgument(Rule):
    """
    ## What it does
    Checks the arguments of `nn.RNN`, `nn.LSTM` and `nn.GRU` for keywords and values that
    PyTorch rejects when it builds the module. It flags:

    - a keyword the constructor does not take (`batchfirst=True`, `num_layer=2`), or an
      argument given twice (by position and by keyword): `TypeError`;
    - `proj_size` on an `RNN` or a `GRU`, even `0`: `ValueError`;
    - `nonlinearity` other than `'tanh'` or `'relu'` on an `RNN` (`ValueError`), or any
      `nonlinearity` on an `LSTM` or a `GRU` (`TypeError`);
    - `input_size`, `hidden_size` or `num_layers` below 1 (`ValueError`), or `input_size` /
      `hidden_size` missing (`TypeError`);
    - `dropout` outside `[0, 1]`, or a `bool`: `ValueError`;
    - `proj_size` below 0, or not smaller than `hidden_size`: `ValueError`.

    ## Why is this bad?
    The module cannot be built: the script fails at `__init__`, often after data loading or
    on a remote job, for a mistake visible in the source. A misspelt keyword such as
    `batchfirst=True` also says the author meant a layout the module would not get.

    ## Example
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, batchfirst=True)
    self.gru = nn.GRU(input_size, hidden_size, proj_size=64)
    ```

    ## Use instead
    ```python
    self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
    self.gru = nn.GRU(input_size, hidden_size)  # only nn.LSTM projects its hidden state
    ```

    ## Fix safety
    The fix renames an unknown keyword when exactly one keyword the constructor takes is a
    close spelling of it (`batchfirst` to `batch_first`, `bidirection` to `bidirectional`,
    `num_layer` to `num_layers`) and that parameter is not given already, nor possibly
    through `*args` / `**kwargs`. The code it changes raises at construction, so the fix is
    safe. Values out of range get advice only: the right value is the author's to choose.
    """

    CODE = "RNN011"
    NAME = "invalid-rnn-argument"
    MESSAGE = "{rnn} is given {given}, but {expected}{condition}"
    FIX_TITLE = "Rename `{keyword}` to `{suggestion}`"

    VALID: ClassVar[list[str]] = [
        """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=20):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=2, batch_first=True, dropout=1.0,
                            bidirectional=True, proj_size=hidden_size // 2, device="cpu", dtype=None)
        self.rnn = nn.RNN(input_size, hidden_size, 1, "relu", bias=False)
        self.gru = nn.GRU(input_size=input_size, hidden_size=hidden_size, num_layers=3, dropout=0.25)

    def forward(self, x):
        return self.lstm(x)[0]
""",
        """
from torch import nn

class Configurable(nn.Module):
    def __init__(self, cfg, nonlinearity="tanh", num_layers=0, **rnn_options):
        super().__init__()
        # values that come from the caller are not known here
        self.rnn = nn.RNN(cfg.input_size, cfg.hidden_size, num_layers, nonlinearity=nonlinearity)
        self.gru = nn.GRU(8, 16, **rnn_options)
        self.lstm = nn.LSTM(*cfg.args, batch_first=True, proj_size=4)
        self.cell = nn.RNNCell(8, 16, nonlinearity="relu")

    def forward(self, x):
        return self.rnn(x)[0]
""",
        """
import torch.nn as nn

HIDDEN = 128

class Projected(nn.Module):
    def __init__(self, use_relu=False):
        super().__init__()
        self.lstm = nn.LSTM(32, HIDDEN, proj_size=HIDDEN - 1)
        self.rnn = nn.RNN(32, HIDDEN, nonlinearity="relu" if use_relu else "tanh")

    def forward(self, x):
        return self.lstm(x)[0]
""",
    ]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid(
            """
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=20):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batchfirst=True)  # expect: RNN011:54

    def forward(self, x):
        return self.lstm(x)[0]
""",
            fixed="""
import torch.nn as nn

class Encoder(nn.Module):
    def __init__(self, input_size=10, hidden_size=20):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]
""",
        ),
        Invalid(
            """
from torch.nn import GRU, Module

class Encoder(Module):
    def __init__(self, vocab_dim):
        super().__init__()
        self.gru = GRU(vocab_dim, 64, num_layer=2, bidirection=True, dropout=0.1)  # expect: RNN011:39, RNN011:52

    def forward(self, x):
        return self.gru(x)[0]
""",
            fixed="""
from torch.nn import GRU, Module

class Encoder(Module):
    def __init__(self, vocab_dim):
        super().__init__()
        self.gru = GRU(vocab_dim, 64, num_layers=2, bidirectional=True, dropout=0.1)

    def forward(self, x):
        return self.gru(x)[0]
""",
        ),
        Invalid(
            """
import torch

class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(16, 32, proj_size=8)  # expect: RNN011:41

    def forward(self, x):
        return self.gru(x)[0]
"""
        ),
        Invalid(
            """
import torch.nn as nn

ACTIVATION = "sigmoid"

class Elman(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(8, 16, 2, ACTIVATION)  # expect: RNN011:37

    def forward(self, x):
        return self.rnn(x)[0]
"""
        ),
        Invalid(
            """
import torch.nn as nn

def build(cfg):
    return nn.LSTM(cfg.features, 64, num_layers=0, dropout=cfg.dropout)  # expect: RNN011:38
"""
        ),
        Invalid(
            """
import torch.nn as nn

class Projected(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, proj_size=hidden)  # expect: RNN011:41

    def forward(self, x):
        return self.lstm(x)[0]
"""
        ),
        Invalid(
            """
from torch import nn

class Regularised(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden, num_layers=2, dropout=50)  # expect: RNN011:55

    def forward(self, x):
        return self.lstm(x)[0]
"""
        ),
    ]

    def check(self, context):
        instances: dict = {}  # a constructor call may be analysed more than once
        for scope in context.facts.scopes:
            for layer in scope.layers:
                if layer.kind in RNN_KINDS:
                    instances.setdefault(id(layer.node), []).append(layer)
        for layers in instances.values():
            found = [(layer, problem) for layer in layers for problem in _problems(layer)]
            required = None
            if len({layer.kind for layer in layers}) > 1:
                # `(nn.LSTM if lstm else nn.GRU)(...)`: the class depends on a branch the built
                # layer does not record, so only what every class rejects is certain
                required = set.intersection(*[
                    {(id(problem[0]), problem[1]) for other, problem in found if other is layer} for layer in layers
                ])
            seen = set()
            for layer, (node, given, expected, error, guard, fix) in found:
                key = (id(node), given)
                if key in seen or (required is not None and key not in required):
                    continue
                seen.add(key)
                keyword, suggestion, replacements = fix or ("", "", ())
                advice = f"did you mean `{suggestion}`? " if suggestion else ""
                yield self.report(
                    _as_written(node, layer.node, context.facts.lines), replacements=replacements,
                    rnn=layer_label(layer), given=given, expected=expected, condition=when(guard),
                    keyword=keyword, suggestion=suggestion,
                    help=f"{advice}PyTorch raises `{error}` when it builds this module",
                )


def _problems(layer):
    """``(node, given, expected, error, guard, fix)`` for each argument PyTorch rejects."""
    call, kind = layer.node, layer.kind
    yield from _keyword_problems(layer)
    if kind == "RNN":
        argument = _argument(call, kind, "nonlinearity")
        for guard, value in _definite(layer.param("nonlinearity")):
            if _not_a_nonlinearity(value):
                # `nn.RNN(input_size, hidden_size, num_layers, bias)` puts `bias` where `nonlinearity` goes
                positional = argument is not None and not isinstance(argument, ast.keyword)
                yield (argument or call, f"`nonlinearity` `{value.describe()}`",
                       "the fourth positional argument of `RNN` is `nonlinearity`, `'tanh'` or `'relu'`" if positional
                       else "`RNN` takes `'tanh'` or `'relu'`",
                       "ValueError", guard, None)
                break
    for name in ("input_size", "hidden_size", "num_layers"):
        argument = _argument(call, kind, name)
        for guard, value in _definite(layer.param(name)):
            number = as_int(value)
            if number is not None and number < 1:
                yield (argument or call, f"`{name}` `{number}`", f"`{name}` must be at least 1",
                       "ValueError", guard, None)
                break
            if name != "num_layers" and isinstance(value, Const) and value.value is None and not layer.opaque_arguments:
                if argument is None and layer.unknown_keywords:
                    break  # most likely misspelt: the unknown keyword is the finding
                if argument is None:
                    yield call, f"no `{name}`", f"`{kind}` requires it", "TypeError", guard, None
                else:
                    yield argument, f"`{name}` `None`", f"`{name}` must be an `int`", "TypeError", guard, None
                break
    for guard, value in _definite(layer.param("dropout")):
        rate = as_number(value)
        if (rate is not None and not 0 <= rate <= 1) or (isinstance(value, Bool) and value.truth is not None):
            yield (_argument(call, kind, "dropout") or call, f"`dropout` `{value.describe()}`",
                   "`dropout` must be a number in `[0, 1]`", "ValueError", guard, None)
            break
    if kind == "LSTM":
        yield from _projection_problems(layer)


def _not_a_nonlinearity(value) -> bool:
    if isinstance(value, Const):
        return (value.value is None or isinstance(value.value, str)) and value.value not in _pytorch.NONLINEARITIES
    # a number or a bool is never one of the two names (a symbol may be a string parameter)
    if isinstance(value, Bool):
        return value.truth is not None
    return isinstance(value, Poly) and value.constant is not None


def _keyword_problems(layer):
    call, kind = layer.node, layer.kind
    accepted = _pytorch.accepted_keywords(kind)
    positional = _positional_count(call)
    given = {keyword.arg for keyword in call.keywords if keyword.arg is not None}
    bound = set(_POSITIONS[kind][:positional]) | given
    suggestions = {
        name: difflib.get_close_matches(name, accepted, n=2, cutoff=0.8) for name in layer.unknown_keywords
    }
    for name in layer.unknown_keywords:
        node = _keyword_arg(call, name) or call
        if name == "proj_size":
            yield node, "`proj_size`", "only `LSTM` takes `proj_size`", "ValueError", frozenset(), None
            continue
        if name == "nonlinearity":
            yield node, "`nonlinearity`", "only `RNN` takes `nonlinearity`", "TypeError", frozenset(), None
            continue
        matches = suggestions[name]
        fix: tuple | None = None
        if len(matches) == 1:
            suggestion = matches[0]
            fix = (name, suggestion, ())
            clashes = [other for other, found in suggestions.items() if other != name and suggestion in found]
            opaque = layer.opaque_arguments or unpacks(call)
            if suggestion not in bound and not clashes and not opaque and isinstance(node, ast.keyword):
                fix = (name, suggestion, ((_name_span(node), suggestion),))
        yield node, f"`{name}`", f"`{kind}` takes no such keyword", "TypeError", frozenset(), fix
    # positional arguments before any `*args` bind the first parameters for certain
    for keyword in call.keywords:
        if keyword.arg is not None and keyword.arg in _POSITIONS[kind][:positional]:
            yield (keyword, f"`{keyword.arg}` by keyword", "it is already given by position", "TypeError",
                   frozenset(), None)


def _projection_problems(layer):
    call = layer.node
    hidden = layer.param("hidden_size")
    for guard, value in _definite(layer.param("proj_size")):
        size = as_int(value)
        if size is not None and size < 0:
            yield (_argument(call, "LSTM", "proj_size") or call, f"`proj_size` `{size}`",
                   "`proj_size` must be at least 0", "ValueError", guard, None)
            return
        if not isinstance(value, Poly):
            continue
        for both_guard, hidden_case in _definite(hidden, guard):
            if not isinstance(hidden_case, Poly) or ((size := as_int(hidden_case)) is not None and size < 1):
                continue  # a hidden_size below 1 is its own finding
            excess = value - hidden_case
            if value.constant == 0 or excess.is_opaque or excess.constant is None or excess.constant < 0:
                continue
            yield (_argument(call, "LSTM", "proj_size") or call,
                   f"`proj_size` `{value.describe()}` with `hidden_size` `{hidden_case.describe()}`",
                   "`proj_size` must be smaller than `hidden_size`", "ValueError", both_guard, None)
            return


def _definite(value, guard: frozenset = frozenset()):
    """The cases of ``value``, leaving out those chosen by a branch the analysis cannot decide."""
    for case_guard, case in cases(value, guard):
        if not any(isinstance(atom, Opaque) for atom, _ in case_guard):
            yield case_guard, case


def _positional_count(call: ast.Call) -> int:
    """How many arguments are passed by position before any ``*args``."""
    return next((index for index, arg in enumerate(call.args) if isinstance(arg, ast.Starred)), len(call.args))


def _name_span(keyword: ast.keyword) -> Span:
    """Just the name of a keyword argument (its span runs on to the value)."""
    assert keyword.arg is not None  # a named keyword, not `**kwargs`
    end = keyword.col_offset + len(keyword.arg.encode("utf-8"))
    return Span(keyword.lineno, keyword.col_offset, keyword.lineno, end)


def _as_written(node: ast.AST, call: ast.Call, lines: SourceLines) -> ast.AST | Span:
    """An argument of ``call`` with its own parentheses, which Python's parser leaves out of its span."""
    written = next((found for found in arguments_of(call, lines) if found.node is node), None)
    return node if written is None else span_between(lines, written.start, written.end)


def _keyword_arg(call: ast.Call, name: str) -> ast.keyword | None:
    return next((keyword for keyword in call.keywords if keyword.arg == name), None)


def _argument(call: ast.Call, kind: str, name: str) -> ast.AST | None:
    """The ``ast.keyword`` passing parameter ``name``, or the expression passing it by position."""
    return argument(call, _POSITIONS[kind].index(name), name)
