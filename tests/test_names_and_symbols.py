"""The engine's foundations: import resolution and symbolic dimensions."""

from __future__ import annotations

import ast

import pytest

from rnnlint._analysis._names import ImportTable
from rnnlint._analysis._symbolic import (
    DIFFERENT,
    EQUAL,
    UNKNOWN_ORDER,
    Alt,
    Flag,
    Opaque,
    Poly,
    Relation,
    compare,
    merge_guards,
    number,
)
from rnnlint._engine import lint_source


def _table(source: str) -> ImportTable:
    table = ImportTable()
    for statement in ast.parse(source).body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            table.add(statement)
    return table


def _expression(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


@pytest.mark.parametrize(
    "imports, expression, qualified",
    [
        ("import torch", "torch.nn.LSTM", "torch.nn.LSTM"),
        ("import torch.nn as nn", "nn.LSTM", "torch.nn.LSTM"),
        ("from torch import nn", "nn.GRU", "torch.nn.GRU"),
        ("from torch.nn import LSTM as L", "L", "torch.nn.LSTM"),
        ("from torch.nn.modules.rnn import GRU", "GRU", "torch.nn.GRU"),
        ("import torch", "torch.nn.utils.rnn.pack_padded_sequence", "torch.nn.utils.rnn.pack_padded_sequence"),
        ("from torch.nn.utils.rnn import pad_packed_sequence as unpack", "unpack",
         "torch.nn.utils.rnn.pad_packed_sequence"),
        ("import torch.nn.functional as F", "F.relu", "torch.nn.functional.relu"),
        ("import torch.nn", "torch.nn.RNN", "torch.nn.RNN"),
    ],
)
def test_import_styles_resolve_to_the_same_name(imports, expression, qualified):
    assert _table(imports).resolve(_expression(expression)) == qualified


def test_unimported_and_relative_names_do_not_resolve():
    table = _table("from . import nn\nimport numpy as np")
    assert table.resolve(_expression("nn.LSTM")) is None
    assert table.resolve(_expression("LSTM")) is None


h, layers = Poly.atom("h"), Poly.atom("num_layers")
two = number(2)


@pytest.mark.parametrize(
    "first, second, verdict",
    [
        (h * two, two * h, EQUAL),
        ((two * h).floordiv(two), h, EQUAL),  # exact: (2*h)//2 is h
        (two * h.floordiv(two), h, UNKNOWN_ORDER),  # h may be even
        (h * layers, two * h, UNKNOWN_ORDER),  # equal when num_layers is 2
        (two * h + Poly.atom("e"), h + Poly.atom("e"), DIFFERENT),  # differ by h, never 0
        (h + Poly.atom("extra"), h, DIFFERENT),  # a size added is never 0
        (Poly.atom("e") + Poly.atom("z"), Poly.atom("z") + Poly.atom("x.shape[2]"), UNKNOWN_ORDER),  # x may have e
        (h, number(64), UNKNOWN_ORDER),  # the constant may be the configured value
        (number(64), number(128), DIFFERENT),
        (h, h + number(1), DIFFERENT),
        (Poly.atom("config.hidden"), Poly.atom("config.d_model"), UNKNOWN_ORDER),  # unrelated fields
    ],
)
def test_comparisons_answer_equal_different_or_unknown(first, second, verdict):
    assert compare(first, second).verdict == verdict


def test_a_flag_splits_a_dimension_into_cases():
    bidirectional = Flag("bidirectional")
    directions = Alt(((frozenset({(bidirectional, True)}), two), (frozenset({(bidirectional, False)}), number(1))))
    features = directions * h
    assert compare(features, h).verdict == DIFFERENT  # wrong when bidirectional is true
    assert compare(features, features).verdict == EQUAL


def test_values_from_kwargs_factories_and_getattr_never_produce_findings():
    # `getattr(nn, kind)(8, 16, batch_first=True)` may be a MultiheadAttention or a Transformer
    # layer too (keywords only a recurrent layer takes are followed: tests/test_program_dynamic.py)
    sources = [
        "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, **kw):\n        super().__init__()\n"
        "        self.rnn = nn.LSTM(8, 16, **kw)\n        self.fc = nn.Linear(16, 2)\n"
        "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out)\n",
        "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self, kind):\n        super().__init__()\n"
        "        self.rnn = getattr(nn, kind)(8, 16, batch_first=True)\n        self.fc = nn.Linear(16, 2)\n"
        "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out)\n",
        "import torch.nn as nn\nfrom .factory import make_rnn\nclass M(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.rnn = make_rnn(8, 16, bidirectional=True)\n"
        "        self.fc = nn.Linear(16, 2)\n    def forward(self, x):\n        out, _ = self.rnn(x)\n"
        "        return self.fc(out)\n",
    ]
    for source in sources:
        assert lint_source(source) == []


def test_the_same_model_is_understood_in_every_import_style():
    body = (
        "class M({base}):\n    def __init__(self, hidden=32):\n        super().__init__()\n"
        "        self.rnn = {lstm}(8, hidden, bidirectional=True)\n        self.fc = {linear}(hidden, 2)\n"
        "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out)\n"
    )
    styles = [
        ("import torch\n", "torch.nn.Module", "torch.nn.LSTM", "torch.nn.Linear"),
        ("import torch.nn as nn\n", "nn.Module", "nn.LSTM", "nn.Linear"),
        ("from torch import nn\n", "nn.Module", "nn.LSTM", "nn.Linear"),
        ("from torch.nn import LSTM as L, Linear, Module\n", "Module", "L", "Linear"),
    ]
    for imports, base, lstm, linear in styles:
        source = imports + body.format(base=base, lstm=lstm, linear=linear)
        assert [f.code for f in lint_source(source)] == ["RNN001"], imports


def test_a_misspelt_keyword_is_reported_once_without_cascading_findings():
    source = (
        "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.lstm = nn.LSTM(8, 16, batchfirst=True)\n        self.fc = nn.Linear(16, 2)\n"
        "    def forward(self, x):\n        out, _ = self.lstm(x)\n        return self.fc(out[:, -1])\n"
    )
    # the keyword was meant for batch_first: reading `out[:, -1]` as sequence-first would be a guess
    assert [finding.code for finding in lint_source(source)] == ["RNN011"]


@pytest.mark.parametrize(
    "first, second, satisfiable",
    [
        ({("n_layers == 1", True)}, {("n_layers > 1", True)}, False),
        ({("n_layers == 1", False)}, {("n_layers > 1", False)}, True),  # n_layers <= 0
        ({("n_layers", True)}, {("n_layers == 0", True)}, False),  # `if n_layers:` is n_layers != 0
        ({("n > 1", True)}, {("n < 3", True), ("n != 2", True)}, False),
        ({("n > 1", True)}, {("n < 4", True), ("n != 2", True)}, True),  # n == 3
        ({("n == 1", True)}, {("m > 1", True)}, True),  # other symbols
        ({("?n == 1", True)}, {("?n > 1", True)}, True),  # opaque conditions are never related
        ({("n + 1 == 1", True)}, {("n + 1 > 1", True)}, True),  # a sum is no symbol
    ],
)
def test_guards_with_relations_no_integer_satisfies_contradict(first, second, satisfiable):
    merged = merge_guards(frozenset(map(_atom, first)), frozenset(map(_atom, second)))
    assert (merged is not None) == satisfiable


def _atom(literal):
    """A guard literal from its text: `?...` opaque, `a <op> b` a relation, else a flag."""
    text, truth = literal
    if text.startswith("?"):
        return Opaque(text[1:]), truth
    for operator in ("==", "!=", "<=", ">=", "<", ">"):
        left, found, right = text.rpartition(f" {operator} ")
        if found:
            return Relation(left, operator, right), truth
    return Flag(text), truth


def test_an_axis_symbol_knows_its_tensor_and_axis():
    from rnnlint._analysis import axis_of, axis_symbol

    size = axis_symbol("x", 1)
    assert size == Poly.atom("x.shape[1]")  # it reads, and compares, as its text
    assert (axis_of(size).key, axis_of(size).index) == ("x", 1)
    # a symbol that only looks like one, a product, a number: no axis of a given tensor
    assert axis_of(Poly.atom("x.shape[1]")) is None
    assert axis_of(size * number(2)) is None and axis_of(number(3)) is None


def test_the_unknown_batch_of_a_packed_input_reads_as_that_rnn_s_batch():
    import pickle

    from rnnlint._analysis import axis_of
    from rnnlint._analysis._values import is_packed_batch, packed_batch

    size = packed_batch("self.rnn")
    assert str(axis_of(size)) == "batch of self.rnn's packed input" and is_packed_batch(size)
    assert packed_batch("self.rnn") == size and packed_batch("self.gru") != size  # one symbol per RNN
    copied = pickle.loads(pickle.dumps(axis_of(size)))  # as a worker process sends it back
    assert (str(copied), copied.key, copied.index) == (str(axis_of(size)), axis_of(size).key, 1)
    source = """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16)

    def forward(self, x, lengths):
        out, _ = self.rnn(pack_padded_sequence(x, lengths, enforce_sorted=False))
        out, _ = pad_packed_sequence(out)
        return out[:, -1]
"""
    [finding] = lint_source(source)
    assert finding.code == "RNN004" and "batch of self.rnn's packed input" in finding.message


SIAMESE = """
import torch
import torch.nn as nn

class Align(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(4, 6, batch_first=True)
        self.pool = nn.MaxPool2d(2)

    def forward(self, premise, hypothesis):
        a, _ = self.encoder(premise)
        b, _ = self.encoder(hypothesis)
        similarity = torch.bmm(a, b.transpose(1, 2))
        pooled = self.pool(similarity.unsqueeze(1))
        return similarity, pooled
"""


def test_two_inputs_of_their_own_lengths_read_as_two_sizes_and_layer_sizes_read_short():
    from rnnlint._shapes_report import shapes_report

    report = shapes_report(SIAMESE, "siamese.py")
    assert "similarity: (batch, seq, seq_2)" in report
    assert "pooled: (batch, 1, pool@9.shape[2], pool@9.shape[3])" in report
