"""Loops: the first iteration's facts, the later iterations' where they settle, and nests.

A nested loop that runs inside a later pass of the loop around it is run once there: its
later iterations were already followed in the enclosing loop's first pass, and what it changes
is unknown after it. These tests hold what that must keep: a call deep in a nest is checked,
and a value a nested loop changes is never taken for the one it had before.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

from conftest import run_program

NEST = """\
import torch
from torch import nn

lstm = nn.LSTM(8, 16, bidirectional=True)
head = nn.Linear({width}, 2)
x = torch.randn(5, 4, 8)
h = None
for epoch in range(2):
    for step in range(3):
        for _ in range(2):
            out, h = lstm(x, h)
            y = head(out)
"""

# the inner loop doubles `width` at each step; the head is rebuilt after it for what it became
CHANGED_IN_NEST = """\
import torch
from torch import nn

lstm = nn.LSTM(8, 16, bidirectional=True)
x = torch.randn(5, 4, 8)
for epoch in range(2):
    width = 8
    for step in range(2):
        width = 2 * width
    head = nn.Linear(width, 2)
    out, _ = lstm(x)
    y = head(out)
"""


def codes(source: str) -> list:
    return [(finding.code, finding.row) for finding in lint_source(source, "script.py")]


def test_a_call_three_loops_deep_is_checked():
    assert codes(NEST.format(width=16)) == [("RNN001", 5)]
    assert codes(NEST.format(width=32)) == []


def test_a_value_a_nested_loop_changes_is_not_its_value_before_the_loop():
    assert codes(CHANGED_IN_NEST) == []


@pytest.mark.parametrize(("source", "fails"), [
    (NEST.format(width=16), True), (NEST.format(width=32), False), (CHANGED_IN_NEST, False),
])
def test_the_scripts_do_what_the_findings_say_with_torch(tmp_path, source, fails):
    run_program(tmp_path, source, (RuntimeError, "cannot be multiplied") if fails else None)
