"""Indexing by a comparison of tensors is boolean-mask indexing: the result's shape (how many
entries the mask keeps) is not known, and the analysis says so. It never reads the mask as an
integer index, which would drop one axis and keep the others: a shape no mask gives."""

from __future__ import annotations

import pytest

from rnnlint._shapes_report import shapes_report

MODEL = """
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x, lengths):
        out, _ = self.rnn(x)
        mask = torch.arange(x.size(1))[None, :] < lengths[:, None]
        picked = out[mask]
        step = out[:, 2]
        first = out[torch.arange(x.size(0)), 0]
        return picked, step, first
"""


def _line(report: str, name: str) -> str:
    return next(line.strip() for line in report.splitlines() if line.strip().split("  ")[-1].startswith(f"{name}:"))


def test_a_comparison_mask_selects_entries_of_unknown_count():
    report = shapes_report(MODEL, "tagger.py")
    assert _line(report, "mask").endswith("mask: tensor")
    assert _line(report, "picked").endswith("picked: tensor")
    # an integer and an arange still index as before
    assert _line(report, "step").endswith("step: (batch, 16)")
    assert _line(report, "first").endswith("first: (batch, 16)")


def test_what_torch_gives_for_the_mask():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(MODEL, "tagger.py", "exec"), namespace)
    picked, step, first = namespace["Tagger"]()(torch.randn(3, 5, 8), torch.tensor([5, 2, 1]))
    # the mask keeps 5 + 2 + 1 entries of (batch, time): one axis of 8, not the 5 steps
    assert tuple(picked.shape) == (8, 16)
    assert tuple(step.shape) == (3, 16)
    assert tuple(first.shape) == (3, 16)
