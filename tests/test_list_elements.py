"""A list or container filled with project modules keeps one element only when every module in
it is built alike: a module's equality leaves its attributes out, so `Block(80, h)` then
`Block(h, h)` in a loop are two different elements, and the container is not `n` copies of
the last one (mozilla/TTS's speaker encoder: the first LSTM takes the mel features, the others
the projection)."""

from __future__ import annotations

import pytest

from rnnlint import lint_source

ENCODER = """
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0]


class Encoder(nn.Module):
    def __init__(self, input_dim, hidden, layers_n):
        super().__init__()
        layers = []
        layers.append(Block({first}, hidden))
        for _ in range(layers_n - 1):
            layers.append(Block(hidden, hidden))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


def run():
    return Encoder(80, 256, 3)(torch.rand(4, 20, 80))
"""

CORRECT = ENCODER.format(first="input_dim")
# every block takes `hidden` features, the first one too: it is fed the 80 input features
BUGGY = ENCODER.format(first="hidden")


def test_a_first_module_built_otherwise_is_not_the_others():
    assert lint_source(CORRECT) == []


def test_alike_modules_are_still_one_element():
    (finding,) = lint_source(BUGGY)
    assert finding.code == "RNN008"
    assert "`input_size` `256`, but is fed `80` features" in finding.message


def test_torch_agrees():
    pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(CORRECT, "<encoder>", "exec"), namespace)
    assert namespace["run"]().shape == (4, 20, 256)
    exec(compile(BUGGY, "<encoder>", "exec"), namespace)
    with pytest.raises(RuntimeError, match="input_size"):
        namespace["run"]()
