"""A size a later layer call pins: a ``Linear`` that takes ``2 * hidden`` given a tensor of width
``2 * layers * hidden`` goes through only with one layer, so a reshape of the states that
scrambles samples only with several layers is judged with one. Where the equation leaves the
size free, has another solution, or the call runs only under a condition, the reshape is
judged as before. Each snippet's ``# expect:`` markers must match its findings exactly; the
torch tests show what each case does when it runs.
"""

from __future__ import annotations

import pytest
import torch

from rnnlint import lint_source

from conftest import expected_positions, without_markers

REDUCER = """
import torch
import torch.nn as nn

class StateReducer(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, num_layers=layers, batch_first=True)
        self.w_s = nn.Linear(hidden * {factor}, hidden * 2, bias=False)

    def forward(self, x):
        _, (h_t, c_t) = self.lstm(x)
        batch = c_t.shape[1]
        state = torch.cat([h_t.reshape(batch, -1), c_t.reshape(batch, -1)], dim=-1){marks}
        return self.w_s(state)
"""

BOTH = "  # expect: RNN005:28, RNN005:52"

CASES = {
    # the only width that goes through is one layer's: the reshape is then exact
    "pinned_to_one_layer": REDUCER.format(factor=2, marks=""),
    # the head takes four hidden vectors: two layers, which the reshape scrambles
    "pinned_to_two_layers": REDUCER.format(factor=4, marks=BOTH),
    # the head is sized from the layer count itself: any count goes through and is scrambled
    "sized_by_the_layer_count": REDUCER.format(factor="2 * layers", marks=BOTH),
    # no layer call after the reshape: the layer count is free, and scrambles when above 1
    "no_layer_call": """
import torch
import torch.nn as nn

class StateReducer(nn.Module):
    def __init__(self, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, num_layers=layers, batch_first=True)

    def forward(self, x):
        _, (h_t, c_t) = self.lstm(x)
        batch = c_t.shape[1]
        return torch.cat([h_t.reshape(batch, -1), c_t.reshape(batch, -1)], dim=-1)  # expect: RNN005:27, RNN005:51
""",
    # the pinning call runs only when `project` is set: without it the count is free
    "call_under_a_condition": """
import torch
import torch.nn as nn

class StateReducer(nn.Module):
    def __init__(self, hidden, layers, project):
        super().__init__()
        self.project = project
        self.lstm = nn.LSTM(8, hidden, num_layers=layers, batch_first=True)
        self.w_s = nn.Linear(hidden * 2, hidden * 2, bias=False)

    def forward(self, x):
        _, (h_t, c_t) = self.lstm(x)
        batch = c_t.shape[1]
        state = torch.cat([h_t.reshape(batch, -1), c_t.reshape(batch, -1)], dim=-1)  # expect: RNN005:28, RNN005:52
        if self.project:
            state = self.w_s(state)
        return state
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_findings_match_the_markers(name):
    source = CASES[name]
    found = sorted((finding.row, finding.column + 1, finding.code) for finding in lint_source(without_markers(source)))
    assert found == expected_positions(source)


def _build(source: str, *args):
    namespace: dict = {}
    exec(compile(without_markers(source), "<snippet>", "exec"), namespace)
    return namespace["StateReducer"](*args)


def test_one_layer_reads_each_samples_own_state_and_more_layers_raise():
    torch.manual_seed(0)
    model = _build(CASES["pinned_to_one_layer"], 6, 1)
    x = torch.randn(3, 5, 8)
    _, (h, c) = model.lstm(x)
    assert torch.equal(model(x), model.w_s(torch.cat([h[0], c[0]], dim=-1)))
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        _build(CASES["pinned_to_one_layer"], 6, 2)(x)


def test_with_two_layers_a_samples_result_depends_on_another_sample():
    torch.manual_seed(0)
    model = _build(CASES["pinned_to_two_layers"], 6, 2)
    x = torch.randn(3, 5, 8)
    before = model(x)[0]
    changed = x.clone()
    changed[1] += 1.0  # only sample 1 changes
    assert not torch.allclose(model(changed)[0], before)
