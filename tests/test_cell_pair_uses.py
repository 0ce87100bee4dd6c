"""RNN007 on a cell's pair: an `nn.LSTMCell` step returns `(h', c')`; a head fed that tuple
raises "linear(): argument 'input' must be Tensor, not tuple" at the first step.

Each snippet is a whole program, run with torch: the flagged ones raise that error, the clean
ones run. A pair that reaches a head only from an earlier iteration of a loop exists only if
that iteration ran, so only a pair the same iteration made counts.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import expected_markers, run_program

DECODER = """
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.{cell}(8, 16)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        h = torch.zeros(x.size(0), 16)
        c = torch.zeros(x.size(0), 16)
        outs = []
        for t in range(x.size(1)):
{step}
        return torch.stack(outs, 1)


Decoder()(torch.randn(4, 6, 8))
"""

FLAGGED = {
    "pair_assigned_to_h_and_fed_to_the_head": DECODER.format(cell="LSTMCell", step="""\
            h = self.cell(x[:, t], (h, c))
            outs.append(self.fc(h))  # expect: RNN007"""),
    "pair_kept_whole_and_fed_to_the_head": DECODER.format(cell="LSTMCell", step="""\
            state = self.cell(x[:, t], (h, c))
            h, c = state
            outs.append(self.fc(state))  # expect: RNN007"""),
    "script_step_outside_any_loop": """
import torch
import torch.nn as nn

cell = nn.LSTMCell(8, 16)
head = nn.Linear(16, 2)
x = torch.randn(4, 8)
out = cell(x)
y = head(out)  # expect: RNN007
""",
}

CLEAN = {
    "pair_unpacked_before_the_head": DECODER.format(cell="LSTMCell", step="""\
            h, c = self.cell(x[:, t], (h, c))
            outs.append(self.fc(h))"""),
    "pair_indexed_before_the_head": DECODER.format(cell="LSTMCell", step="""\
            state = self.cell(x[:, t], (h, c))
            h, c = state[0], state[1]
            outs.append(self.fc(state[0]))"""),
    "gru_cell_returns_one_tensor": DECODER.format(cell="GRUCell", step="""\
            h = self.cell(x[:, t], h)
            outs.append(self.fc(h))"""),
}


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged_at_exactly_the_markers(name):
    source = FLAGGED[name]
    assert sorted((finding.row, finding.code) for finding in lint_source(source)) == expected_markers(source)


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_look_alike_yields_nothing(name):
    assert [(finding.row, finding.code, finding.message) for finding in lint_source(CLEAN[name])] == []


def test_the_message_names_the_cell_and_its_pair():
    [finding] = lint_source(FLAGGED["pair_assigned_to_h_and_fed_to_the_head"])
    assert finding.message == "`self.fc` receives the `(h, c)` tuple of `self.cell`, not a tensor"
    assert "h, c = " in finding.help


@pytest.mark.parametrize("name", sorted(FLAGGED) + sorted(CLEAN))
def test_the_programs_do_what_the_findings_say_with_torch(tmp_path, name):
    run_program(tmp_path, FLAGGED.get(name) or CLEAN[name],
                (TypeError, "must be Tensor, not tuple") if name in FLAGGED else None)
