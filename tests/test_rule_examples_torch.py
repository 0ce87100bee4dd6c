"""Real-torch proof for rule examples that have no folder in examples/: each buggy example
raises or gives the silent wrong result its rule describes.

Needs torch. An example is found by its rule and a fragment of its source, executed as a
module, and its model built with the constructor's defaults.
"""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

from rnnlint.rules import ALL_RULES


def example(code: str, fragment: str) -> str:
    rule = next(each for each in ALL_RULES if code == each.CODE)
    found = [invalid.code for invalid in rule.INVALID if fragment in invalid.code]
    assert len(found) == 1, f"{code}: {len(found)} invalid examples hold {fragment!r}"
    return found[0]


def model_of(source: str, name: str) -> nn.Module:
    namespace: dict = {}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    torch.manual_seed(0)
    return namespace[name]()


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_rnn009_a_default_rate_on_one_layer_warns_and_never_acts():
    source = example("RNN009", "dropout=0.3):")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = model_of(source, "Forecaster")
    assert any("num_layers" in str(warning.message) for warning in caught)
    assert model.lstm.dropout == 0.3
    model.train()
    x = torch.randn(4, 6, 3)
    # in training mode a dropout that acted would give two different results
    assert torch.equal(model(x), model(x))
