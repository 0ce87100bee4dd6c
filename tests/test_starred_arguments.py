"""`*args` in a call: a tuple of known length passes its items as positional arguments
(`x.new_zeros(*common_shape, hidden)` is a three-axis state when `common_shape` holds two
sizes); one of unknown length leaves the call's arguments, and so its result's shape, unknown.
"""

from __future__ import annotations

import pytest

from rnnlint import lint_source

STATE = """
import torch
import torch.nn as nn


class BiLSTM(nn.Module):
    def __init__(self, features=4, hidden=8, layers=1):
        super().__init__()
        self.bilstm = nn.LSTM(features, hidden, layers, batch_first=True, bidirectional=True)

    def forward(self, context):
        common_shape = ({layers}, context.shape[0])
        hx = (
            context.new_zeros(*common_shape, self.bilstm.hidden_size),
            context.new_zeros(*common_shape, self.bilstm.hidden_size),
        )
        return self.bilstm(context, hx)[0]
"""

CORRECT = STATE.format(layers="self.bilstm.num_layers * 2")
# one row per layer, none for the second direction
BUGGY = STATE.format(layers="self.bilstm.num_layers")


def test_a_tuple_of_sizes_spliced_into_the_state_is_read_whole():
    assert lint_source(CORRECT) == []
    findings = lint_source(BUGGY)
    assert [finding.code for finding in findings] == ["RNN006", "RNN006"]
    assert "has `layers` on axis 0, but bidirectional `self.bilstm` expects `2*layers`" in findings[0].message


def test_sizes_of_unknown_number_leave_the_state_unknown():
    unknown = CORRECT.replace("common_shape = (self.bilstm.num_layers * 2, context.shape[0])",
                              "common_shape = self.shape_for(context)")
    assert lint_source(unknown) == []
    viewed = CORRECT.replace("return self.bilstm(context, hx)[0]",
                             "return self.bilstm(context.view(*self.dims), hx)[0]")
    assert lint_source(viewed) == []


def test_torch_agrees():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(CORRECT, "<model>", "exec"), namespace)
    assert namespace["BiLSTM"]()(torch.randn(3, 5, 4)).shape == (3, 5, 16)
    exec(compile(BUGGY, "<model>", "exec"), namespace)
    with pytest.raises(RuntimeError, match="hidden"):
        namespace["BiLSTM"]()(torch.randn(3, 5, 4))
