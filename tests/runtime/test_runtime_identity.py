"""Heads recognise a recurrent module's own ``output``, ``h_n`` and ``c_n`` (and views of them)
by identity, with no sizes declared: each silent bug is caught under its rule, and each correct
look-alike stays silent.
"""

import pytest
import torch
from torch import nn

from rnnlint.runtime import RNNShapeError, watch, watch_new_modules
from rnnlint.runtime._checks import view_axes

SEQ, BATCH = 5, 3


class Model(nn.Module):
    """A recurrent module, then a head fed what ``feed`` takes from its result; ``finish``
    turns the head's result into the model's result."""

    def __init__(self, rnn, in_features, feed, finish=lambda logits: logits, out_features=2):
        super().__init__()
        self.rnn = rnn
        self.fc = nn.Linear(in_features, out_features)
        self.feed, self.finish = feed, finish

    def forward(self, x):
        return self.finish(self.fc(self.feed(self.rnn(x))))


def data(rnn, batch=BATCH, seq=SEQ):
    shape = (batch, seq, rnn.input_size) if rnn.batch_first else (seq, batch, rnn.input_size)
    return torch.randn(shape)


def rule_of(model, x):
    """The rule the watch reports on one call, or None; the model's own result is checked
    to be what it is without the watch."""
    torch.manual_seed(0)
    try:
        with watch(model, heads=True):
            model(x)
    except RNNShapeError as error:
        return error.rule
    return None


def cat_directions(result):
    h_n = result[1]
    return torch.cat([h_n[-2], h_n[-1]], 1)


# (recurrent module, head in_features, feed, finish)
BUGS = {
    "h_n whole, two layers": (
        "RNN002", nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], None),
    "h_n whole, bidirectional": (
        "RNN002", nn.GRU(4, 6, bidirectional=True, batch_first=True), 6, lambda r: r[1], None),
    "h_n whole, LSTM state unpacked": (
        "RNN002", nn.LSTM(4, 6, num_layers=3), 6, lambda r: r[1][0], None),
    "h_n whole, squeezed regression": (
        "RNN002", nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], lambda y: y.squeeze(-1)),
    "h_n whole, returned first in a tuple": (
        "RNN002", nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], lambda y: (y, {"n": 1})),
    "c_n: the state tuple indexed with -1": (
        "RNN007", nn.LSTM(4, 6, num_layers=2), 6, lambda r: r[1][-1], None),
    "sequence-first output, out[:, -1]": (
        "RNN004", nn.LSTM(4, 6), 6, lambda r: r[0][:, -1], None),
    "sequence-first output, out[:, 0]": (
        "RNN004", nn.GRU(4, 6), 6, lambda r: r[0][:, 0], None),
    "batch-first output, out[-1]": (
        "RNN004", nn.GRU(4, 6, batch_first=True), 6, lambda r: r[0][-1], None),
    "batch-first output, out[-1, :, :]": (
        "RNN004", nn.RNN(4, 6, batch_first=True), 6, lambda r: r[0][-1, :, :], None),
    "bidirectional output, head for one direction": (
        "RNN001", nn.LSTM(4, 6, bidirectional=True, batch_first=True), 6,
        lambda r: r[0][:, -1], None),
}

CORRECT = {
    "h_n[-1], two layers": (nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1][-1], None),
    "h_n[-1], unidirectional": (nn.GRU(4, 6), 6, lambda r: r[1][-1], None),
    "LSTM h_n[-1]": (nn.LSTM(4, 6, num_layers=2), 6, lambda r: r[1][0][-1], None),
    "c_n[-1] taken deliberately": (nn.LSTM(4, 6, num_layers=2), 6, lambda r: r[1][1][-1], None),
    "cat(h_n[-2], h_n[-1])": (
        nn.GRU(4, 6, bidirectional=True, num_layers=2), 12, cat_directions, None),
    "one-slice h_n, fc(h_n).squeeze(0)": (
        nn.GRU(4, 6), 6, lambda r: r[1], lambda y: y.squeeze(0)),
    "one-slice h_n returned whole": (nn.GRU(4, 6), 6, lambda r: r[1], None),
    "sequence-first output[-1]": (nn.LSTM(4, 6), 6, lambda r: r[0][-1], None),
    "sequence-first output[0]": (nn.GRU(4, 6), 6, lambda r: r[0][0], None),
    "batch-first output[:, -1]": (nn.LSTM(4, 6, batch_first=True), 6, lambda r: r[0][:, -1], None),
    "bidirectional batch-first output[:, -1]": (
        nn.GRU(4, 6, batch_first=True, bidirectional=True), 12, lambda r: r[0][:, -1], None),
    "one prediction per time step": (nn.LSTM(4, 6), 6, lambda r: r[0], None),
    "transposed to batch first, then [:, -1]": (
        nn.GRU(4, 6), 6, lambda r: r[0].transpose(0, 1)[:, -1], None),
    "per-layer logits indexed": (
        nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], lambda y: y[-1]),
    "per-layer logits pooled": (
        nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], lambda y: y.mean(dim=0)),
    "per-layer logits through an activation": (
        nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], torch.tanh),
    # an encoder that hands a projected state on to its caller: `return outputs, hidden`
    "per-layer state returned after the output": (
        nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], lambda y: (torch.zeros(1), y)),
    "per-layer result inside a returned dict": (
        nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1], lambda y: {"hidden": y}),
}


@pytest.mark.parametrize("case", list(BUGS))
def test_silent_bug_is_caught_by_identity_without_sizes(case):
    rule, rnn, in_features, feed, finish = BUGS[case]
    model = Model(rnn, in_features, feed, finish or (lambda y: y))
    assert rule_of(model, data(rnn)) == rule


@pytest.mark.parametrize("case", list(CORRECT))
def test_correct_look_alike_is_silent(case):
    rnn, in_features, feed, finish = CORRECT[case]
    model = Model(rnn, in_features, feed, finish or (lambda y: y))
    assert rule_of(model, data(rnn)) is None


def test_batch_equal_to_seq_is_told_apart_by_identity():
    # the sizes alone cannot say which axis was indexed when batch == seq
    rnn = nn.LSTM(4, 6)
    x = data(rnn, batch=SEQ, seq=SEQ)
    assert rule_of(Model(rnn, 6, lambda r: r[0][:, -1]), x) == "RNN004"
    assert rule_of(Model(rnn, 6, lambda r: r[0][-1]), x) is None


def test_one_sample_sequence_of_a_batch_of_one_is_silent():
    # out[:, 0] of a sequence-first batch of one is that sample's whole sequence: correct
    rnn = nn.GRU(4, 6)
    assert rule_of(Model(rnn, 6, lambda r: r[0][:, 0]), data(rnn, batch=1)) is None


class Seq2Seq(nn.Module):
    """An encoder whose h_n crosses a Linear bridge into the decoder: per layer, and right."""

    def __init__(self, return_state):
        super().__init__()
        self.encoder = nn.GRU(4, 6, num_layers=2)
        self.bridge = nn.Linear(6, 6)
        self.decoder = nn.GRU(4, 6, num_layers=2)
        self.out = nn.Linear(6, 3)
        self.return_state = return_state

    def forward(self, src, tgt):
        _, h_n = self.encoder(src)
        h_0 = self.bridge(h_n)
        out, _ = self.decoder(tgt, h_0)
        return (self.out(out), h_0) if self.return_state else self.out(out)


@pytest.mark.parametrize("sizes", [{}, {"batch": BATCH, "seq": SEQ}])
@pytest.mark.parametrize("return_state", [False, True])
def test_bridge_between_two_rnns_is_silent(return_state, sizes):
    # with sizes declared too: the head's per-layer result is judged where it goes
    model = Seq2Seq(return_state)
    with watch(model, heads=True, **sizes):
        model(torch.randn(SEQ, BATCH, 4), torch.randn(SEQ, BATCH, 4))


def test_error_names_the_head_and_the_recurrent_module():
    model = Model(nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1])
    with pytest.raises(RNNShapeError) as caught, watch(model, heads=True, name="net"):
        model(torch.randn(SEQ, BATCH, 4))
    error = caught.value
    assert error.module == "net.fc"
    assert error.got == (2, BATCH, 6) and error.expected == (BATCH, 6)
    assert "`net.fc` got the whole final state of `net.rnn`" in str(error)
    assert "see: rnnlint rule RNN002" in str(error)


def test_new_modules_watch_with_heads_catches_by_identity():
    with watch_new_modules(heads=True):
        model = Model(nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1])
        with pytest.raises(RNNShapeError) as caught:
            model(torch.randn(SEQ, BATCH, 4))
        fixed = Model(nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1][-1])
        fixed(torch.randn(SEQ, BATCH, 4))
    assert caught.value.rule == "RNN002"
    assert caught.value.module == "Model.fc"


def test_submodule_called_alone_is_judged_as_the_outermost_call():
    # the test calls the inner module directly: the holder is not running, so no verdict
    # waits on a caller that never returns; the next outer call starts afresh
    outer = nn.Sequential(Model(nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1]))
    with watch(outer, heads=True):
        outer[0](torch.randn(SEQ, BATCH, 4))
        with pytest.raises(RNNShapeError):
            outer(torch.randn(SEQ, BATCH, 4))


def hook_count(module):
    return (len(module._forward_pre_hooks) + len(module._forward_hooks)
            + len(module._forward_hooks_always_called))


@pytest.mark.parametrize("case", ["h_n whole, two layers", "sequence-first output, out[:, -1]"])
def test_results_are_bit_identical_and_hooks_go(case):
    _, rnn, in_features, feed, finish = BUGS[case]
    model = Model(rnn, in_features, feed, finish or (lambda y: y))
    x = data(rnn)
    plain = model(x)
    try:
        with watch(model, heads=True):
            model(x)
    except RNNShapeError:
        pass
    fixed_feed = (lambda r: r[1][-1]) if "h_n" in case else (lambda r: r[0][-1])
    model.feed = fixed_feed
    plain_fixed = model(x)
    with watch(model, heads=True):
        watched = model(x)
        assert hook_count(model) > 0 and hook_count(model.fc) == 1
    assert torch.equal(plain_fixed, watched)
    model.feed = feed
    assert torch.equal(model(x), plain)
    assert [hook_count(module) for module in model.modules()] == [0, 0, 0]


def test_default_watch_leaves_heads_alone():
    model = Model(nn.GRU(4, 6, num_layers=2), 6, lambda r: r[1])
    with watch(model):
        model(torch.randn(SEQ, BATCH, 4))
        assert hook_count(model) == 0 and hook_count(model.fc) == 0


@pytest.mark.parametrize(("index", "expected"), [
    ((-1,), [(4, 1, None), (0, 3, 0), (0, 6, 1)]),
    ((slice(None), -1), [(0, 5, 0), (2, 1, None), (0, 6, 1)]),
    ((slice(None), slice(None), slice(0, 2)), [(0, 5, 0), (0, 3, 1), (0, 2, 2)]),
])
def test_view_axes_reads_the_window(index, expected):
    base = torch.randn(SEQ, BATCH, 6)
    assert view_axes(base[index], base) == expected


def test_view_axes_of_a_batch_first_output_and_of_unrelated_tensors():
    out, _ = nn.GRU(4, 6, batch_first=True)(torch.randn(BATCH, SEQ, 4))
    assert view_axes(out[:, -1], out) == [(0, BATCH, 0), (SEQ - 1, 1, None), (0, 6, 1)]
    assert view_axes(out.clone(), out) is None
    assert view_axes(out[:, -1].double(), out) is None
    assert view_axes(torch.randn(BATCH, 6), out) is None


def test_lazy_head_learns_its_width_and_is_judged_after():
    model = Model(nn.GRU(4, 6, bidirectional=True), 6, lambda r: r[0][-1])
    model.fc = nn.LazyLinear(2)
    with watch(model, heads=True, batch=BATCH, seq=SEQ):
        assert model(torch.randn(SEQ, BATCH, 4)).shape == (BATCH, 2)
        model(torch.randn(SEQ, BATCH, 4))
    model.feed = lambda r: r[0][:, -1]
    assert rule_of(model, torch.randn(SEQ, BATCH, 4)) == "RNN004"


def _built_under_new_module_watch(case_table, case):
    """The rule `pytest --rnnlint` reports on one case: the model is built inside the watch."""
    rnn, in_features, feed, finish = case_table[case][-4:]  # BUGS entries start with the rule
    with watch_new_modules(heads=True):
        # a fresh copy of the recurrent module, built inside the watch as a test would
        fresh = type(rnn)(rnn.input_size, rnn.hidden_size, num_layers=rnn.num_layers,
                          batch_first=rnn.batch_first, bidirectional=rnn.bidirectional)
        model = Model(fresh, in_features, feed, finish or (lambda y: y))
        try:
            model(data(fresh))
        except RNNShapeError as error:
            return error.rule
    return None


@pytest.mark.parametrize("case", list(BUGS))
def test_new_module_watch_catches_each_silent_bug(case):
    assert _built_under_new_module_watch(BUGS, case) == BUGS[case][0]


@pytest.mark.parametrize("case", list(CORRECT))
def test_new_module_watch_is_silent_on_each_look_alike(case):
    assert _built_under_new_module_watch(CORRECT, case) is None


def test_a_model_without_recurrent_modules_still_scripts_under_the_new_module_watch():
    # pytest --rnnlint watches every Linear built in a test; one in a model with no RNN has
    # nothing to check, and must not keep TorchScript from compiling the model
    with watch_new_modules(heads=True):
        mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        scripted = torch.jit.script(mlp)
        x = torch.randn(BATCH, 4)
        assert torch.equal(scripted(x), mlp(x))
        with_rnn = Model(nn.GRU(4, 6), 6, lambda r: r[1][-1])
        with pytest.raises(RuntimeError, match=r"cannot compile the hooks .* on `Model\.rnn`"):
            torch.jit.script(with_rnn)
    assert [hook_count(module) for module in mlp.modules()] == [0, 0, 0, 0]
