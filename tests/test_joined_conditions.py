"""A finding that one run reports at one place under several conditions states them joined:
the literals that do not matter are left out, and what remains, when several, reads as
alternatives. The first finding at a place is still the one shown."""

from __future__ import annotations

import pytest
import torch

from rnnlint import lint_source
from rnnlint._analysis._symbolic import Flag, Relation
from rnnlint.rules._util import Condition, joined, when

BI, DEEP, KIND = Flag("bidirectional"), Relation("num_layers", ">", "1"), Relation("rnn_type", "==", "'gru'")


def condition(*literals) -> Condition:
    return when(frozenset(literals))


def test_a_literal_both_sides_of_which_hold_is_left_out():
    both = joined([condition((BI, True), (DEEP, True)), condition((BI, True), (DEEP, False))])
    assert both == " when `bidirectional` is true"


def test_it_takes_every_assignment_not_one_guard_to_leave_a_literal_out():
    # `num_layers > 1` can go only because both kinds hold on each side of it
    four = joined([condition((BI, True), (DEEP, depth), (KIND, kind)) for depth in (True, False)
                   for kind in (True, False)])
    assert four == " when `bidirectional` is true"
    three = joined([condition((BI, True), (DEEP, True), (KIND, True)),
                    condition((BI, True), (DEEP, False), (KIND, True)),
                    condition((BI, True), (DEEP, True), (KIND, False))])
    assert three == " when `bidirectional` is true and `rnn_type == 'gru'`, or when `bidirectional` is true and " \
                    "`num_layers > 1`"


def test_conditions_that_are_alternatives_read_as_such():
    either = joined([condition((BI, True), (DEEP, False)), condition((BI, False), (DEEP, True)),
                     condition((BI, True), (DEEP, True))])
    assert either == " when `bidirectional` is true, or when `num_layers > 1`"


def test_a_finding_under_every_condition_states_none():
    assert joined([condition((BI, True)), condition((BI, False))]) == ""


SOURCE = """
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, hidden=8, num_layers=1, bidirectional=False, rnn_type="gru"):
        super().__init__()
        rnn = nn.GRU if rnn_type == "gru" else nn.RNN
        self.rnn = rnn(4, hidden, num_layers=num_layers, bidirectional=bidirectional, batch_first=True)
        self.bidirectional, self.num_layers = bidirectional, num_layers
        self.factor = (2 if bidirectional else 1) * num_layers
        self.hidden = hidden

    def forward(self, x, z):
        if self.bidirectional or self.num_layers > 1:
            h = z.view(self.factor, z.size(0) // self.factor, self.hidden).unsqueeze(0)
        else:
            h = z.unsqueeze(0)
        return self.rnn(x, h)[0]
"""


def test_the_message_names_the_condition_that_matters():
    findings = [finding for finding in lint_source(SOURCE) if finding.code == "RNN006"]
    assert len(findings) == 1
    assert findings[0].message.endswith("when `bidirectional` is true"), findings[0].message


@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("rnn_type", ["gru", "rnn"])
def test_torch_fails_whenever_it_is_bidirectional(num_layers, rnn_type):
    namespace: dict = {}
    exec(compile(SOURCE, "decoder.py", "exec"), namespace)
    model = namespace["Decoder"](num_layers=num_layers, bidirectional=True, rnn_type=rnn_type)
    factor = 2 * num_layers
    with pytest.raises(RuntimeError):
        model(torch.randn(3, 5, 4), torch.randn(factor * 3, 8))
