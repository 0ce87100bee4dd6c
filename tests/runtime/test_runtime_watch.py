"""The module watcher: one test per check, then hook bookkeeping and bit-identical results.

Expected shapes in assertions come from rnnlint._shapes or from the modules' own sizes.
"""

import copy

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from rnnlint import _shapes
from rnnlint.runtime import RNNShapeError, ShapeError, watch, watch_new_modules
from rnnlint.runtime._checks import RecurrentSpec, Sizes, recurrent_config

BATCH, SEQ = 3, 5


def hook_count(module):
    return len(module._forward_pre_hooks) + len(module._forward_hooks)


def call_watched(module, *args, sizes=None, **kwargs):
    with watch(module, **(sizes or {})):
        return module(*args, **kwargs)


def raised(module, *args, sizes=None, **kwargs):
    with pytest.raises(RNNShapeError) as caught:
        call_watched(module, *args, sizes=sizes, **kwargs)
    return caught.value


class Head(nn.Module):
    """A recurrent module followed by a head, fed whatever `pick` takes from the result."""

    def __init__(self, rnn, in_features, pick):
        super().__init__()
        self.rnn = rnn
        self.fc = nn.Linear(in_features, 2)
        self.pick = pick

    def forward(self, x):
        return self.fc(self.pick(self.rnn(x)))


# -- input: RNN008 and RNN004 ---------------------------------------------------------------

def test_input_width_mismatch_is_rnn008_with_the_expected_shape():
    lstm = nn.LSTM(8, 6, batch_first=True)
    error = raised(lstm, torch.zeros(BATCH, SEQ, 7))
    assert error.rule == "RNN008"
    assert error.module == "model"
    assert error.expected == (BATCH, SEQ, 8)
    assert error.got == (BATCH, SEQ, 7)
    assert "(batch, seq, input_size) = (3, 5, 8), got (3, 5, 7)" in str(error)
    assert "see: rnnlint rule RNN008" in str(error)


def test_input_of_rank_four_is_rnn008():
    error = raised(nn.GRU(4, 6), torch.zeros(2, SEQ, BATCH, 4))
    assert error.rule == "RNN008"
    assert error.got == (2, SEQ, BATCH, 4)


def test_unbatched_input_and_state_pass():
    rnn = nn.RNN(4, 6, num_layers=2)
    out, h_n = call_watched(rnn, torch.zeros(SEQ, 4), torch.zeros(2, 6))
    assert out.shape == (SEQ, 6) and h_n.shape == (2, 6)


def test_swapped_batch_and_time_is_rnn004_only_with_declared_sizes():
    gru = nn.GRU(4, 6)  # sequence first
    batch_first_data = torch.zeros(BATCH, SEQ, 4)
    call_watched(gru, batch_first_data)  # nothing declared: nothing to compare with
    error = raised(gru, batch_first_data, sizes={"batch": BATCH, "seq": SEQ})
    assert error.rule == "RNN004"
    assert error.expected == _shapes.input_shape(recurrent_config(gru), BATCH, SEQ)
    assert error.got == (BATCH, SEQ, 4)
    assert "batch_first=True" in str(error)


def test_swap_is_caught_with_batch_alone_declared():
    lstm = nn.LSTM(4, 6, batch_first=True)
    error = raised(lstm, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH})
    assert error.rule == "RNN004"


def test_declared_sizes_equal_to_the_data_pass():
    lstm = nn.LSTM(4, 6, batch_first=True)
    out, _ = call_watched(lstm, torch.zeros(BATCH, SEQ, 4), sizes={"batch": BATCH, "seq": SEQ})
    assert out.shape == (BATCH, SEQ, 6)


# -- initial state: RNN006 and RNN007 -------------------------------------------------------

def test_h0_missing_the_direction_factor_is_rnn006_with_the_formula():
    lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    x = torch.zeros(SEQ, BATCH, 10)
    h0 = torch.zeros(2, BATCH, 20)
    c0 = torch.zeros(4, BATCH, 20)
    error = raised(lstm, x, (h0, c0))
    assert error.rule == "RNN006"
    assert error.expected == (4, BATCH, 20) and error.got == (2, BATCH, 20)
    assert ("h_0: expected (num_layers * num_directions, batch, hidden_size) = (4, 3, 20), "
            "got (2, 3, 20)") in str(error)
    assert "num_layers * num_directions = 2 * 2 = 4" in str(error)


def test_state_passed_as_hx_keyword_is_checked():
    gru = nn.GRU(4, 6)
    error = raised(gru, torch.zeros(SEQ, BATCH, 4), hx=torch.zeros(1, BATCH + 1, 6))
    assert error.rule == "RNN006"
    assert "batch 4, but the input has batch 3" in str(error)


def test_c0_is_checked_against_hidden_size_under_projection():
    lstm = nn.LSTM(4, 8, proj_size=3)
    config = recurrent_config(lstm)
    x = torch.zeros(SEQ, BATCH, 4)
    h0 = torch.zeros(_shapes.hidden_state_shape(config, BATCH))
    call_watched(lstm, x, (h0, torch.zeros(_shapes.cell_state_shape(config, BATCH))))
    error = raised(lstm, x, (h0, torch.zeros(1, BATCH, 3)))
    assert error.rule == "RNN006"
    assert "c_0: expected (num_layers * num_directions, batch, hidden_size) = (1, 3, 8)" in str(
        error)


def test_h0_laid_out_batch_first_is_explained():
    gru = nn.GRU(4, 6, num_layers=2, batch_first=True)
    error = raised(gru, torch.zeros(BATCH, SEQ, 4), torch.zeros(BATCH, 2, 6))
    assert error.rule == "RNN006"
    assert "whatever batch_first says" in str(error)


def test_lstm_given_a_single_tensor_is_rnn007():
    lstm = nn.LSTM(4, 6)
    error = raised(lstm, torch.zeros(SEQ, BATCH, 4), torch.zeros(1, BATCH, 6))
    assert error.rule == "RNN007"
    assert "(h_0, c_0)" in str(error)


def test_gru_given_a_state_tuple_is_rnn007():
    gru = nn.GRU(4, 6)
    state = torch.zeros(1, BATCH, 6)
    error = raised(gru, torch.zeros(SEQ, BATCH, 4), (state, state))
    assert error.rule == "RNN007"


# -- packed sequences: RNN008 and RNN010 ----------------------------------------------------

def padded_batch_first(features=4, lengths=(5, 4, 2)):
    return torch.zeros(len(lengths), max(lengths), features), torch.tensor(lengths)


def test_packed_input_is_checked_for_width_and_state_batch():
    lstm = nn.LSTM(4, 6, batch_first=True)
    padded, lengths = padded_batch_first()
    packed = pack_padded_sequence(padded, lengths, batch_first=True)
    _, (h_n, _) = call_watched(lstm, packed, sizes={"batch": BATCH, "seq": SEQ})
    assert h_n.shape == (1, BATCH, 6)
    state = torch.zeros(1, BATCH - 1, 6)
    assert raised(lstm, packed, (state, state)).rule == "RNN006"
    narrow = pack_padded_sequence(padded[..., :3], lengths, batch_first=True)
    assert raised(lstm, narrow).rule == "RNN008"


def test_sequence_packed_along_the_wrong_axis_is_rnn010():
    lstm = nn.LSTM(4, 6, batch_first=True)
    padded = torch.zeros(BATCH, SEQ, 4)
    # read as (seq, batch): SEQ "sequences" of BATCH steps; unsorted packing does not object
    packed = pack_padded_sequence(padded, torch.full((SEQ,), BATCH), enforce_sorted=False)
    error = raised(lstm, packed, sizes={"batch": BATCH, "seq": SEQ})
    assert error.rule == "RNN010"
    assert error.got == (BATCH, SEQ) and error.expected == (SEQ, BATCH)


# -- heads, only with declared sizes: RNN001, RNN002, RNN004, RNN007 ------------------------

def test_head_built_for_one_direction_is_rnn001():
    lstm = nn.LSTM(4, 6, bidirectional=True, batch_first=True)
    model = Head(lstm, 6, lambda result: result[0][:, -1])
    error = raised(model, torch.zeros(BATCH, SEQ, 4), sizes={"batch": BATCH})
    assert error.rule == "RNN001"
    assert error.module == "model.fc"
    assert error.expected == 6 and error.got == (BATCH, 12)
    assert "2 * 6 = 12" in str(error)


def test_head_mismatch_without_declared_sizes_is_left_to_torch():
    lstm = nn.LSTM(4, 6, bidirectional=True, batch_first=True)
    model = Head(lstm, 6, lambda result: result[0][:, -1])
    with pytest.raises(RuntimeError) as caught:
        call_watched(model, torch.zeros(BATCH, SEQ, 4))
    assert not isinstance(caught.value, RNNShapeError)
    assert hook_count(model.fc) == 0


def test_whole_h_n_into_the_head_is_rnn002():
    gru = nn.GRU(4, 6, num_layers=2)
    model = Head(gru, 6, lambda result: result[1])
    error = raised(model, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH, "seq": SEQ})
    assert error.rule == "RNN002"
    assert error.got == (2, BATCH, 6)


def test_transformed_h_n_into_the_head_is_rnn002_by_its_shape():
    gru = nn.GRU(4, 6, num_layers=2)
    model = Head(gru, 6, lambda result: torch.tanh(result[1]))
    error = raised(model, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH, "seq": SEQ})
    assert error.rule == "RNN002"


def test_c_n_taken_from_the_state_tuple_is_rnn007():
    lstm = nn.LSTM(4, 6, num_layers=2)
    model = Head(lstm, 6, lambda result: result[1][-1])
    error = raised(model, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH, "seq": SEQ})
    assert error.rule == "RNN007"
    assert "c_n" in str(error)


def test_time_indexed_sequence_first_output_is_rnn004():
    lstm = nn.LSTM(4, 6)
    model = Head(lstm, 6, lambda result: result[0][:, -1])
    error = raised(model, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH, "seq": SEQ})
    assert error.rule == "RNN004"
    assert error.got == (SEQ, 6)
    assert "out[-1]" in str(error)


@pytest.mark.parametrize("pick", [
    lambda result: result[0][-1],
    lambda result: result[1][0][-1],
    lambda result: result[0],  # one prediction per time step is a legitimate head
])
def test_correct_heads_pass(pick):
    lstm = nn.LSTM(4, 6, num_layers=2)
    model = Head(lstm, 6, pick)
    call_watched(model, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH, "seq": SEQ})


def test_single_slice_h_n_fed_whole_passes():
    gru = nn.GRU(4, 6)  # h_n is (1, batch, 6): fc(h_n).squeeze(0) is a common, correct idiom
    model = Head(gru, 6, lambda result: result[1])
    call_watched(model, torch.zeros(SEQ, BATCH, 4), sizes={"batch": BATCH, "seq": SEQ})


def test_unrelated_linear_mismatch_is_left_to_torch():
    model = nn.Sequential(nn.Linear(3, 9), nn.Linear(5, 2))
    model.add_module("gru", nn.GRU(2, 4))
    with pytest.raises(RuntimeError) as caught, watch(model, batch=BATCH, seq=SEQ):
        model[1](torch.zeros(BATCH, 9))
    assert not isinstance(caught.value, RNNShapeError)


# -- errors, names, hooks --------------------------------------------------------------------

def test_error_names_the_module_inside_the_model():
    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(4, 6)

        def forward(self, x):
            return self.lstm(x)

    model = nn.Sequential()
    model.add_module("encoder", Encoder())
    with pytest.raises(RNNShapeError) as caught, watch(model, name="net"):
        model(torch.zeros(SEQ, BATCH, 5))
    assert caught.value.module == "net.encoder.lstm"
    assert isinstance(caught.value, ShapeError) and isinstance(caught.value, RuntimeError)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_only_recurrent_modules_get_hooks_without_declared_sizes():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
    model.add_module("lstm", nn.LSTM(4, 6))
    with watch(model):
        assert [hook_count(module) for module in model] == [0, 0, 1]
    # declared sizes: heads are watched, and the LSTM's results are followed on every call
    with watch(model, batch=BATCH):
        assert [hook_count(module) for module in model] == [1, 0, 2]
    assert [hook_count(module) for module in model] == [0, 0, 0]


def test_results_are_checked_once_per_new_input_shape():
    gru = nn.GRU(4, 6)
    result_checks = []
    with watch(gru):
        gru.register_forward_hook(lambda *_: result_checks.append(hook_count(gru)))
        for seq in (SEQ, SEQ, SEQ + 1, SEQ):
            gru(torch.zeros(seq, BATCH, 4))
    # our pre-hook + the probe, plus our result hook on the calls with a new input shape
    assert result_checks == [3, 2, 3, 2]


def test_result_that_breaks_the_contract_is_reported():
    gru = nn.GRU(4, 6, num_layers=2)
    config = recurrent_config(gru)
    spec = RecurrentSpec(gru, config, "model.gru")
    x = torch.zeros(SEQ, BATCH, 4)
    expected = spec.check_call((x,), {}, Sizes(None, None))
    output = torch.zeros(_shapes.output_shape(config, BATCH, SEQ))
    spec.check_result(expected, (output, torch.zeros(_shapes.hidden_state_shape(config, BATCH))))
    with pytest.raises(RNNShapeError, match=r"h_n: expected .* = \(2, 3, 6\), got \(1, 3, 6\)"):
        spec.check_result(expected, (output, torch.zeros(1, BATCH, 6)))


def test_hooks_are_removed_when_the_model_raises():
    gru = nn.GRU(4, 6)
    with pytest.raises(RNNShapeError), watch(gru):
        gru(torch.zeros(SEQ, BATCH, 5))
    assert hook_count(gru) == 0


def test_nested_and_repeated_watches_share_one_pair_of_hooks():
    model = nn.Sequential(nn.GRU(4, 6))
    with watch(model):
        with watch(model), watch(model[0]):
            assert hook_count(model[0]) == 1
        with watch(model, batch=BATCH):
            assert hook_count(model[0]) == 2
        assert hook_count(model[0]) == 2  # the result hook stays until the next call
        model(torch.zeros(SEQ, BATCH, 4))
        assert hook_count(model[0]) == 1
    assert hook_count(model[0]) == 0
    for _ in range(3):
        with watch(model):
            pass
    assert hook_count(model[0]) == 0


def test_innermost_watch_decides_the_declared_sizes_and_outer_one_resumes():
    gru = nn.GRU(4, 6)
    batch_first_data = torch.zeros(BATCH, SEQ, 4)
    with watch(gru, batch=BATCH, seq=SEQ):
        with watch(gru):
            gru(batch_first_data)
        with pytest.raises(RNNShapeError):
            gru(batch_first_data)


def test_plain_call_returns_a_handle_to_remove_and_removing_twice_is_harmless():
    lstm = nn.LSTM(4, 6)
    handle = watch(lstm)
    with pytest.raises(RNNShapeError):
        lstm(torch.zeros(SEQ, BATCH, 3))
    handle.remove()
    handle.remove()
    assert hook_count(lstm) == 0
    with pytest.raises(RuntimeError) as caught:
        lstm(torch.zeros(SEQ, BATCH, 3))
    assert not isinstance(caught.value, RNNShapeError)


def test_watcher_never_changes_results():
    torch.manual_seed(0)
    lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True, batch_first=True)
    model = Head(lstm, 12, lambda result: result[0][:, -1])
    x = torch.randn(BATCH, SEQ, 4)
    plain = model(x)
    with watch(model, batch=BATCH, seq=SEQ):
        watched = model(x)
    assert torch.equal(plain, watched)
    plain.sum().backward()
    assert all(parameter.grad is not None for parameter in model.parameters())


def test_model_copied_or_saved_while_watched_keeps_no_live_checks(tmp_path):
    lstm = nn.LSTM(4, 6)
    with watch(lstm), watch_new_modules():
        model = nn.Sequential(nn.LSTM(4, 6))  # watched under a generated name
        copied = copy.deepcopy(lstm)
        torch.save(model, tmp_path / "model.pt")
        saved = torch.load(tmp_path / "model.pt", weights_only=False)
    for module in (copied, saved[0]):
        out, _ = module(torch.zeros(SEQ, BATCH, 4))
        assert out.shape == (SEQ, BATCH, 6)
        with pytest.raises(RuntimeError) as caught:
            module(torch.zeros(SEQ, BATCH, 3))
        assert not isinstance(caught.value, RNNShapeError)


def test_subclass_with_its_own_forward_is_left_alone():
    class Wrapped(nn.LSTM):
        def forward(self, x, lengths):  # noqa: ARG002 - a signature of its own is the point
            return super().forward(x)

    wrapped = Wrapped(4, 6)
    with watch(wrapped):
        assert hook_count(wrapped) == 0
        wrapped(torch.zeros(SEQ, BATCH, 4), torch.ones(BATCH))


def test_bad_declared_sizes_and_non_modules_are_refused():
    with pytest.raises(ValueError, match="batch must be a positive int"):
        watch(nn.GRU(4, 6), batch=0)
    with pytest.raises(TypeError, match=r"takes an nn\.Module"):
        watch(lambda x: x)
