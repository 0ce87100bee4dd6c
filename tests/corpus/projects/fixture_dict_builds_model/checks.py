"""Checks of the forecaster as its test suite writes them (not collected here: the project's
build.py runs the same construction)."""
import pytest
import torch

from forecaster import Forecaster

N_FEATURES = 5


@pytest.fixture(scope="module")
def params():
    return {"n_features": N_FEATURES, "hidden_size": 8, "num_layers": 2, "dropout": 0.2}


def test_forward(params):
    model = Forecaster(**params)
    assert model(torch.randn(4, 7, N_FEATURES)).shape == (4, 3)


@pytest.mark.parametrize("params", [{"n_features": N_FEATURES, "num_layers": 1, "dropout": 0.0}])
def test_single_layer(params):
    assert Forecaster(**params).lstm.num_layers == 1


def test_wider(params):
    wider = dict(params)
    wider["hidden_size"] = 2 * wider["hidden_size"]
    assert Forecaster(**wider).head.in_features == 16
