"""The watcher under torch.compile: checks still run where the compiler breaks the graph at
recurrent modules (its default), and it steps aside without a false error where it does not.
"""

import pytest
import torch
from torch import nn

from rnnlint.runtime import RNNShapeError, watch

pytestmark = pytest.mark.slow  # the compiler takes seconds to load and to compile

BATCH, SEQ = 4, 6


class Tagger(nn.Module):
    def __init__(self, state_layers=2):
        super().__init__()
        self.lstm = nn.LSTM(3, 5, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(10, 2)
        self.state_layers = state_layers

    def forward(self, x):
        h0 = torch.zeros(self.state_layers, x.shape[0], 5)
        out, _ = self.lstm(x, (h0, h0))
        return self.fc(out[:, -1])


@pytest.fixture(autouse=True)
def fresh_compiler():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


@pytest.mark.parametrize("backend", ["eager", "inductor"])
def test_compiled_model_runs_clean_and_equal(backend):
    torch.manual_seed(0)
    model = Tagger()
    x = torch.randn(BATCH, SEQ, 3)
    eager = model(x)
    with watch(model, batch=BATCH, seq=SEQ):
        compiled = torch.compile(model, backend=backend)
        first, again = compiled(x), compiled(x)
    assert torch.allclose(first, eager) and torch.equal(first, again)


def test_compiled_model_with_a_bad_state_raises_the_watcher_error():
    model = Tagger(state_layers=1)
    with pytest.raises(RNNShapeError) as caught, watch(model):
        torch.compile(model, backend="eager")(torch.randn(BATCH, SEQ, 3))
    assert caught.value.rule == "RNN006"


def test_compiled_head_mismatch_raises_the_watcher_error():
    model = Tagger()
    model.fc = nn.Linear(5, 2)
    with pytest.raises(RNNShapeError) as caught, watch(model, batch=BATCH, seq=SEQ):
        torch.compile(model, backend="eager")(torch.randn(BATCH, SEQ, 3))
    assert caught.value.rule == "RNN001"


def test_full_graph_with_recurrent_tracing_steps_aside(monkeypatch):
    monkeypatch.setattr(torch._dynamo.config, "allow_rnn", True)
    model = Tagger()
    x = torch.randn(BATCH, SEQ, 3)
    with watch(model, batch=BATCH, seq=SEQ):
        compiled = torch.compile(model, backend="eager", fullgraph=True)
        assert torch.allclose(compiled(x), model(x))


def test_full_graph_of_a_model_without_recurrent_modules_under_the_new_module_watch():
    # pytest --rnnlint watches every Linear built in a test: one with no recurrent module to
    # recognise must not break the graph
    from rnnlint.runtime import watch_new_modules

    with watch_new_modules(heads=True):
        mlp = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
        x = torch.randn(BATCH, 3)
        compiled = torch.compile(mlp, backend="eager", fullgraph=True)
        assert torch.allclose(compiled(x), mlp(x))
