"""The watcher on recurrent cells: each step's input and state, with rule codes, against the
shapes of rnnlint._shapes; correct steps pass and their results are unchanged."""

import pytest
import torch
from torch import nn

from rnnlint import _shapes
from rnnlint.runtime import RNNShapeError, watch, watch_new_modules
from rnnlint.runtime._checks import cell_config

BATCH = 3


def config(cell):
    found = cell_config(cell)
    assert found is not None
    return found


def raised(model, *args):
    with pytest.raises(RNNShapeError) as caught, watch(model):
        model(*args)
    return caught.value


class Loop(nn.Module):
    """A cell stepped over a batch-first input, its state made by `start`."""

    def __init__(self, cell, start):
        super().__init__()
        self.cell, self.start = cell, start

    def forward(self, x):
        state = self.start(x)
        for t in range(x.size(1)):
            state = self.cell(x[:, t], state)
        return state


@pytest.mark.parametrize("kind", _shapes.CELL_KINDS)
def test_a_correct_step_passes_and_its_result_is_unchanged(kind):
    torch.manual_seed(0)
    cell = getattr(nn, kind)(4, 6)
    expected = _shapes.step_state_shape(config(cell), BATCH)
    start = (lambda x: (x.new_zeros(expected), x.new_zeros(expected))) if config(cell).takes_state_pair \
        else (lambda x: x.new_zeros(expected))
    model = Loop(cell, start)
    x = torch.randn(BATCH, 5, 4)
    plain = model(x)
    with watch(model):
        watched = model(x)
    for before, after in zip(plain if isinstance(plain, tuple) else (plain,),
                             watched if isinstance(watched, tuple) else (watched,), strict=True):
        assert torch.equal(before, after)
        assert tuple(after.shape) == expected


def test_no_state_and_unbatched_steps_pass():
    cell = nn.GRUCell(4, 6)
    with watch(cell):
        assert tuple(cell(torch.randn(BATCH, 4)).shape) == _shapes.step_state_shape(config(cell), BATCH)
        assert tuple(cell(torch.randn(4), torch.zeros(6)).shape) == _shapes.step_state_shape(config(cell), None)


def test_an_rnn_shaped_state_is_rnn006_before_torch_runs():
    cell = nn.GRUCell(4, 6)
    error = raised(Loop(cell, lambda x: torch.zeros(1, x.size(0), 6)), torch.randn(BATCH, 5, 4))
    assert error.rule == "RNN006"
    assert error.expected == _shapes.step_state_shape(config(cell), BATCH)
    assert error.got == (1, BATCH, 6)
    assert "no layers axis" in str(error)


def test_an_lstm_cell_given_the_encoders_whole_state_is_rnn006():
    cell = nn.LSTMCell(4, 6)
    encoder = nn.LSTM(4, 6, batch_first=True)
    x = torch.randn(BATCH, 5, 4)
    _, state = encoder(x)
    with pytest.raises(RNNShapeError) as caught, watch(cell):
        cell(x[:, 0], state)
    assert caught.value.rule == "RNN006"


def test_a_state_for_another_batch_is_rnn006():
    cell = nn.RNNCell(4, 6)
    error = raised(Loop(cell, lambda x: torch.zeros(x.size(0) + 1, 6)), torch.randn(BATCH, 5, 4))
    assert error.rule == "RNN006"
    assert "batch" in str(error)


def test_a_lone_tensor_to_an_lstm_cell_is_rnn007():
    cell = nn.LSTMCell(4, 6)
    error = raised(Loop(cell, lambda x: torch.zeros(x.size(0), 6)), torch.randn(BATCH, 5, 4))
    assert error.rule == "RNN007"
    assert error.expected == "(h, c)"


def test_a_tuple_to_a_gru_cell_is_rnn007():
    cell = nn.GRUCell(4, 6)
    zeros = torch.zeros(BATCH, 6)
    with pytest.raises(RNNShapeError) as caught, watch(cell):
        cell(torch.randn(BATCH, 4), (zeros, zeros))
    assert caught.value.rule == "RNN007"


def test_a_step_of_the_wrong_width_is_rnn008():
    cell = nn.GRUCell(4, 6)
    with pytest.raises(RNNShapeError) as caught, watch(cell):
        cell(torch.randn(BATCH, 5))
    assert caught.value.rule == "RNN008"
    assert caught.value.expected == _shapes.step_input_shape(config(cell), BATCH)


def test_a_whole_sequence_given_to_a_cell_is_rnn008():
    cell = nn.LSTMCell(4, 6)
    with pytest.raises(RNNShapeError) as caught, watch(cell):
        cell(torch.randn(BATCH, 5, 4))
    assert caught.value.rule == "RNN008"
    assert "rank 3" in str(caught.value)


def test_the_error_is_raised_where_torch_would_raise_its_own():
    # without the watcher torch raises too: the watcher only says more, with a rule code
    cell = nn.GRUCell(4, 6)
    with pytest.raises(ValueError, match="Expected hidden to be 1D or 2D"):
        cell(torch.randn(BATCH, 4), torch.zeros(1, BATCH, 6))


def test_cells_built_while_watching_new_modules_are_watched():
    with watch_new_modules():
        cell = nn.LSTMCell(4, 6)
        with pytest.raises(RNNShapeError) as caught:
            cell(torch.randn(BATCH, 4), torch.zeros(BATCH, 6))
    assert caught.value.rule == "RNN007"
    # the watch is gone with the block
    with pytest.raises(TypeError):
        cell(torch.randn(BATCH, 4), torch.zeros(BATCH, 6))


def test_a_subclass_with_its_own_forward_is_not_watched():
    class Custom(nn.GRUCell):
        def forward(self, x, h=None):
            return super().forward(x[..., :4], h)

    assert cell_config(Custom(4, 6)) is None


def test_with_sizes_declared_a_step_whose_batch_is_the_sequence_is_rnn012():
    cell = nn.GRUCell(4, 6)

    class OverSamples(nn.Module):
        def __init__(self):
            super().__init__()
            self.cell = cell

        def forward(self, x):
            h = None
            for t in range(x.size(0)):
                h = self.cell(x[t], h)  # x[t]: sample t's (seq, features)
            return h

    model = OverSamples()
    x = torch.randn(BATCH, 7, 4)
    with pytest.raises(RNNShapeError) as caught, watch(model, batch=BATCH, seq=7):
        model(x)
    assert caught.value.rule == "RNN012"
    # without declared sizes the shapes are all valid: nothing to say
    with watch(model):
        assert tuple(model(x).shape) == _shapes.step_state_shape(config(cell), 7)


class CellHead(nn.Module):
    """An LSTMCell stepped over a batch-first input, then a head on its last `h`."""

    def __init__(self, head_features, hidden=6):
        super().__init__()
        self.hidden = hidden
        self.cell = nn.LSTMCell(4, hidden)
        self.fc = nn.Linear(head_features, 2)

    def forward(self, x):
        h = c = x.new_zeros(x.size(0), self.hidden)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.fc(h)


def test_a_head_too_wide_for_the_cells_state_is_rnn001_naming_the_cell():
    model = CellHead(head_features=12)
    with pytest.raises(RNNShapeError) as caught, watch(model, heads=True):
        model(torch.randn(BATCH, 5, 4))
    error = caught.value
    assert error.rule == "RNN001"
    assert error.module == "model.fc"
    assert error.got == (BATCH, 6)
    assert "model.cell" in str(error) and "hidden_size = 6" in str(error)


def test_a_head_of_the_cells_width_runs_unchanged_and_without_heads_torch_raises():
    torch.manual_seed(0)
    model = CellHead(head_features=6)
    x = torch.randn(BATCH, 5, 4)
    plain = model(x)
    with watch(model, heads=True):
        assert torch.equal(model(x), plain)
    too_wide = CellHead(head_features=12)
    with pytest.raises(RuntimeError) as caught, watch(too_wide):
        too_wide(x)
    assert not isinstance(caught.value, RNNShapeError)  # heads not watched: torch's own error
