"""A class's own symbolic run and the runs of a construction site's configuration are judged
apart: the site's run names its sizes and kinds with the site's symbols (another file's
`opt.rnn_type`), which say nothing of the class's own `rnn_type`, so a case the site's run
finds fine does not clear a case the class's run shows wrong. A model built in another file
from module instances (a factory's encoder passed to the model that wires it) is such a site.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_paths

from conftest import found_by_file, write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

ENCODER = """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, rnn_type, hidden):
        super().__init__()
        self.rnn_type = rnn_type
        if rnn_type == "LSTM":
            self.rnn = nn.LSTM(8, hidden)
        else:
            self.rnn = nn.GRU(8, hidden)
        self.merge = nn.Linear(2 * hidden, hidden)

    def forward(self, x, y):
        _, first = self.rnn(x)
        _, second = self.rnn(y)
{take}        return self.merge(torch.cat([first, second], dim=-1))


class Model(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, x, y):
        return self.encoder(x, y)
"""

BUILD = """
from models import Encoder, Model


def build(opt):
    encoder = Encoder(opt.rnn_type, opt.hidden)
    return Model(encoder)
"""

# the LSTM's `(h_n, c_n)` tuples reach `torch.cat`: with rnn_type "LSTM" it raises a TypeError
BUGGY = ENCODER.format(take="")
# the look-alike: the LSTM's `h_n` is taken first
CORRECT = ENCODER.format(take='        if self.rnn_type == "LSTM":\n            first, second = first[0], second[0]\n')
CAT_ROW = next(row for row, line in enumerate(BUGGY.splitlines(), 1) if "torch.cat" in line)


def test_tuple_state_found_with_the_wiring_model_built_in_another_file(tmp_path):
    write_project(tmp_path, {"models.py": BUGGY, "build.py": BUILD})
    findings = lint_paths([str(tmp_path)])
    assert found_by_file(findings) == [("models.py", CAT_ROW, "RNN007")]
    assert "`rnn_type == 'LSTM'`" in findings[0].message


def test_tuple_state_found_in_the_file_alone(tmp_path):
    write_project(tmp_path, {"models.py": BUGGY})
    assert found_by_file(lint_paths([str(tmp_path)])) == [("models.py", CAT_ROW, "RNN007")]


def test_state_taken_first_is_silent_with_the_site(tmp_path):
    write_project(tmp_path, {"models.py": CORRECT, "build.py": BUILD})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_site_that_builds_only_the_gru_is_silent(tmp_path):
    # every construction in view passes "GRU": the class is closed and no site reaches the LSTM
    build = BUILD.replace("opt.rnn_type", '"GRU"')
    write_project(tmp_path, {"models.py": BUGGY, "build.py": build})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_bug_shown_by_torch():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(BUGGY, "models.py", "exec"), namespace)
    model = namespace["Model"](namespace["Encoder"]("LSTM", 4))
    with pytest.raises(TypeError):
        model(torch.randn(5, 2, 8), torch.randn(3, 2, 8))
    fine = {}
    exec(compile(CORRECT, "models.py", "exec"), fine)
    out = fine["Model"](fine["Encoder"]("LSTM", 4))(torch.randn(5, 2, 8), torch.randn(3, 2, 8))
    assert tuple(out.shape) == (1, 2, 4)
