"""The registry of PyTorch knowledge (rnnlint/_pytorch.py) is the one list every part reads."""

from __future__ import annotations

import ast

import pytest

from rnnlint import _pytorch, _shapes
from rnnlint._analysis import analyse
from rnnlint._engine import needs_analysis, selected_body


@pytest.mark.parametrize("kind", _pytorch.RECURRENT_KINDS)
@pytest.mark.parametrize("spelling", ["import torch.nn as nn\nlayer = nn.{kind}(4, 8)\n",
                                      "from torch.nn import {kind}\nlayer = {kind}(4, 8)\n",
                                      "from torch import nn\n\nclass M(nn.Module):\n    def __init__(self):\n"
                                      "        super().__init__()\n        self.layer = nn.{kind}(4, 8)\n"])
def test_every_recurrent_kind_reaches_the_analysis(kind, spelling):
    source = spelling.format(kind=kind)
    assert needs_analysis(source)
    tree = ast.parse(source)
    body = selected_body(tree, source)
    assert body is not None
    facts = analyse(tree, source, body)
    assert [layer.kind for _, layer in facts.layers] == [kind]


def test_a_file_naming_no_recurrent_kind_is_skipped():
    # the look-alikes: a word that contains a kind, and a kind only in a comment of a non-torch file
    assert not needs_analysis("import torch.nn as nn\nlayer = nn.Linear(4, 8)  # no GRUs here\n")
    assert not needs_analysis("MyLSTMCellular = 3\n")


def test_stems_are_the_shortest_spellings():
    assert set(_pytorch.RECURRENT_KINDS) == set(_pytorch.RNN_KINDS) | set(_pytorch.CELL_KINDS)
    from rnnlint._engine import _RECURRENT_STEMS

    assert all(any(stem in kind for stem in _RECURRENT_STEMS) for kind in _pytorch.RECURRENT_KINDS)


def test_shapes_and_runtime_take_their_kinds_from_the_registry():
    assert _shapes.RNN_KINDS is _pytorch.RNN_KINDS
    assert set(_pytorch.KIND_OF_MODE.values()) == set(_pytorch.RNN_KINDS)


def test_constructor_parameters_are_torchs():
    torch = pytest.importorskip("torch")
    import inspect

    for kind in _pytorch.RECURRENT_KINDS + ("Linear", "Embedding", "Conv1d", "LayerNorm"):
        spec = _pytorch.LAYERS[kind]
        if spec.family == _pytorch.RECURRENT:
            continue  # nn.RNN takes *args, **kwargs: checked against the documented order in test_examples_torch
        signature = inspect.signature(getattr(torch.nn, kind).__init__)
        names = [name for name in signature.parameters if name != "self"]
        assert [name for name, _ in spec.parameters] == names[:len(spec.parameters)], kind


def test_every_tensor_method_behaviour_has_a_handler():
    from rnnlint._analysis._calls import _METHOD_HANDLERS

    assert set(_pytorch.TENSOR_METHODS.values()) == set(_METHOD_HANDLERS)


def test_every_layer_family_is_handled():
    from rnnlint._analysis._tensor_ops import _LAYER_RESULTS

    # recurrent calls go to _shapes, containers run their children, unfollowed layers return nothing known
    handled = set(_LAYER_RESULTS) | {_pytorch.RECURRENT, _pytorch.CONTAINER, _pytorch.UNFOLLOWED}
    assert {spec.family for spec in _pytorch.LAYERS.values()} == handled


def test_the_readme_names_every_recurrent_module_the_registry_has():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro = readme[:readme.index("## Quick start")]
    assert all(f"`nn.{kind}`" in intro for kind in _pytorch.RNN_KINDS)


def test_a_file_using_only_cells_is_analysed_and_judged():
    from rnnlint import lint_source

    source = (
        "import torch\nimport torch.nn as nn\n\n"
        "class Decoder(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.cell = nn.GRUCell(4, 8)\n\n"
        "    def forward(self, x):\n"
        "        h = torch.zeros(1, x.size(0), 8)\n"
        "        for t in range(x.size(1)):\n"
        "            h = self.cell(x[:, t], h)\n"
        "        return h\n"
    )
    assert needs_analysis(source)
    assert [(finding.row, finding.code) for finding in lint_source(source)] == [(10, "RNN006")]


@pytest.mark.parametrize("kind", _pytorch.CELL_KINDS)
@pytest.mark.parametrize("batch", [3, None])
def test_step_shapes_are_torchs(kind, batch):
    torch = pytest.importorskip("torch")
    cell = getattr(torch.nn, kind)(4, 6)
    config = _shapes.CellConfig(kind=kind, input_size=cell.input_size, hidden_size=cell.hidden_size)
    inputs = torch.randn(*_shapes.step_input_shape(config, batch))
    state = torch.zeros(_shapes.step_state_shape(config, batch))
    given = (state, state) if config.takes_state_pair else state
    for hx in (given, None):  # leaving the state out starts it at zeros of the same shape
        result = cell(inputs, hx)
        returned = result if isinstance(result, tuple) else (result,)
        assert tuple(tuple(tensor.shape) for tensor in returned) == _shapes.step_result_shapes(config, batch)
    assert config.steps_of == {"RNNCell": "RNN", "LSTMCell": "LSTM", "GRUCell": "GRU"}[kind]
