"""Real-torch proof for the recurrent-cell examples of the rules: each INVALID example fails or
computes the wrong thing as its rule says, each look-alike runs. Shapes come from rnnlint._shapes."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

from rnnlint._shapes import CellConfig, step_result_shapes
from rnnlint.rules import RULES_BY_CODE


def example(code: str, class_name: str, valid: bool = False):
    """The class ``class_name`` defined by one of the rule's examples."""
    rule = RULES_BY_CODE[code]
    sources = rule.VALID if valid else [invalid.code for invalid in rule.INVALID]
    (source,) = [text for text in sources if re.search(rf"^class {class_name}\(", text, re.MULTILINE)]
    namespace: dict = {}
    exec(compile(source, f"<{code} {class_name}>", "exec"), namespace)
    return namespace[class_name]


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


def config_of(cell: nn.RNNCellBase) -> CellConfig:
    return CellConfig(kind=type(cell).__name__, input_size=cell.input_size, hidden_size=cell.hidden_size)


def test_rnn006_a_layers_axis_in_a_cell_state_raises():
    model = example("RNN006", "CellDecoder")()
    with pytest.raises(ValueError, match="Expected hidden to be 1D or 2D"):
        model(torch.randn(3, 6, 5))


def test_rnn006_the_encoders_whole_state_raises_and_its_last_layer_runs():
    with pytest.raises(ValueError, match=r"Expected hx\[0\] to be 1D or 2D"):
        example("RNN006", "Seq2SeqCell")()(torch.randn(3, 7, 4), torch.randn(3, 5, 4))
    model = example("RNN006", "Seq2SeqCell", valid=True)()
    h = model(torch.randn(3, 7, 4), torch.randn(3, 5, 4))
    assert h.shape == step_result_shapes(config_of(model.cell), 3)[0]


def test_rnn007_a_lone_tensor_to_an_lstm_cell_raises():
    with pytest.raises(TypeError, match="must be tuple of Tensors"):
        example("RNN007", "Stepper")()(torch.randn(3, 6, 3))


def test_rnn007_a_tuple_to_a_gru_cell_raises():
    with pytest.raises((AttributeError, TypeError, RuntimeError)):
        example("RNN007", "GruStepper")()(torch.randn(3, 6, 3))


def test_rnn007_unpacking_a_gru_cells_state_splits_the_batch():
    with pytest.raises(ValueError, match="too many values to unpack"):
        example("RNN007", "Decoder")()(torch.randn(4, 5, 3))
    # with exactly two samples the unpacking goes through: `h` is sample 0's row, one axis
    # short, and the next step fails on it
    with pytest.raises(RuntimeError, match="batch size"):
        example("RNN007", "Decoder")()(torch.randn(2, 5, 3))


def test_rnn007_an_lstm_cells_pair_fed_to_the_head_raises_at_the_first_step():
    with pytest.raises(TypeError, match="must be Tensor, not tuple"):
        example("RNN007", "PairDecoder")()(torch.randn(4, 5, 8))


def test_rnn007_a_computed_lone_tensor_to_an_lstm_raises_and_the_pair_runs():
    y, ctx = torch.randn(3, 5, 3), torch.randn(3, 16)
    # nn.LSTM reads `hx[1]` as c_0: a lone (1, batch, hidden) tensor has no second row
    with pytest.raises(IndexError, match="index 1 is out of bounds"):
        example("RNN007", "BridgedDecoder")()(y, ctx)
    assert example("RNN007", "BridgedDecoder", valid=True)()(y, ctx).shape == (3, 5, 8)


def test_rnn007_the_look_alike_steps_run():
    model = example("RNN007", "Steppers", valid=True)()
    assert model(torch.randn(3, 6, 3)).shape == step_result_shapes(config_of(model.gru_cell), 3)[0]


def test_rnn008_a_cell_wider_than_its_input_raises_and_input_feeding_runs():
    tokens = torch.randint(0, 20, (3, 5))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size"):
        example("RNN008", "GreedyDecoder")()(tokens)
    model = example("RNN008", "InputFeedingDecoder", valid=True)()
    assert model(tokens).shape == step_result_shapes(config_of(model.cell), 3)[0]


def test_rnn001_a_head_twice_the_cells_width_raises_and_the_fix_runs():
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        example("RNN001", "CellRegressor")()(torch.randn(3, 6, 4))
    assert example("RNN001", "CellRegressor", valid=True)()(torch.randn(3, 6, 4)).shape == (3, 1)


def test_rnn001_the_watcher_names_the_cell_behind_a_head_too_wide():
    from rnnlint.runtime import RNNShapeError, watch

    model = example("RNN001", "CellRegressor")()
    with pytest.raises(RNNShapeError) as caught, watch(model, heads=True):
        model(torch.randn(3, 6, 4))
    assert caught.value.rule == "RNN001" and "model.cell" in str(caught.value)


def sample_changed(x: torch.Tensor, sample: int) -> torch.Tensor:
    changed = x.clone()
    changed[sample] += 1.0
    return changed


def test_rnn012_a_loop_bounded_by_the_batch_reads_too_few_steps():
    model = example("RNN012", "CellEncoder")()
    x = torch.randn(3, 8, 4)
    with torch.no_grad():
        wrong = model(x)
        # the later steps are never read: changing them changes nothing
        later = x.clone()
        later[:, 3:] += 1.0
        assert torch.equal(model(later), wrong)
        h = x.new_zeros(3, model.hidden)
        for t in range(x.size(1)):
            h = model.cell(x[:, t], h)
        assert not torch.allclose(model.fc(h), wrong)


def test_rnn012_a_one_step_rnn_bounded_by_len_reads_too_few_steps():
    model = example("RNN012", "Stepwise")()
    x = torch.randn(2, 9, 5)
    with torch.no_grad():
        _, h_n = model.gru(x)
        assert not torch.allclose(model(x), h_n[-1])


def test_rnn012_indexing_samples_makes_each_result_depend_on_the_other_samples():
    model = example("RNN012", "Summarizer")()
    x = torch.randn(3, 5, 4)
    with torch.no_grad():
        result = model(x)
        # row 0 of the result changes when only sample 1 changes
        assert not torch.allclose(model(sample_changed(x, 1))[0], result[0])


def test_rnn012_walking_the_axis_that_sizes_the_state_raises():
    with pytest.raises(RuntimeError, match="batch size"):
        example("RNN012", "Tagger")()(torch.randn(3, 6, 4))


def test_rnn007_a_tuple_given_to_an_rnn_raises():
    with pytest.raises(AttributeError, match="'tuple' object has no attribute 'dim'"):
        example("RNN007", "StaleStateClassifier")()(torch.randn(4, 5, 3))
