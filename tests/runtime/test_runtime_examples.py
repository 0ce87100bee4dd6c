"""The watcher on examples/: with the example's SIZES it names the rule of each buggy half
whose bug shows in shapes at run time, and lets every fixed half run unchanged.
"""

import importlib.util
import sys
import warnings
from pathlib import Path

import pytest
import torch

from rnnlint.runtime import RNNShapeError, watch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FOLDERS = sorted(path.name for path in EXAMPLES.glob("rnn[0-9][0-9][0-9]_*") if path.is_dir())

# Bugs the watcher sees, and the module each one is reported on.
CAUGHT = {
    "rnn001_head_features_mismatch": "model.fc",
    "rnn002_hidden_state_into_head": "model.fc",
    "rnn004_batch_axis_as_time": "model.fc",
    "rnn006_initial_state_shape": "model.gru",
    "rnn007_lstm_state_tuple": "model.fc",
    "rnn008_input_size_mismatch": "model.lstm",
    "rnn012_step_loop_over_batch": "model.cell",
}
# Shapes stay valid: the last layer's backward direction alone, a view that scrambles
# samples, dropout with one layer. Only the static rules see these.
SHAPE_VALID = [
    "rnn003_one_direction_last_hidden",
    "rnn005_reshape_swaps_axes",
    "rnn009_dropout_without_layers",
]


def load(folder, half):
    path = EXAMPLES / folder / f"{half}.py"
    name = f"rnnlint_runtime_example_{folder}_{half}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def build(folder, half):
    example = load(folder, half)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rnn009 warns at construction, by design
        model, inputs = example.build()
    return model, inputs, example.SIZES


def test_every_example_folder_is_classified():
    classified = set(CAUGHT) | set(SHAPE_VALID) | {
        "rnn010_packed_layout_mismatch", "rnn011_invalid_rnn_argument"}
    assert FOLDERS and set(FOLDERS) == classified


@pytest.mark.parametrize("folder", sorted(CAUGHT))
def test_watcher_names_the_rule_of_the_buggy_example(folder):
    model, inputs, sizes = build(folder, "buggy")
    with pytest.raises(RNNShapeError) as caught, watch(model, **sizes):
        model(*inputs)
    code = folder[:6].upper()
    assert caught.value.rule == code
    assert caught.value.module == CAUGHT[folder]
    assert f"see: rnnlint rule {code}" in str(caught.value)


@pytest.mark.parametrize("folder", FOLDERS)
def test_fixed_example_runs_unchanged_under_the_watcher(folder):
    model, inputs, sizes = build(folder, "fixed")
    torch.manual_seed(1)
    plain = model(*inputs)
    torch.manual_seed(1)
    with watch(model, **sizes):
        watched = model(*inputs)
    assert torch.equal(plain, watched)


@pytest.mark.parametrize("folder", SHAPE_VALID)
def test_shape_valid_bugs_raise_nothing(folder):
    model, inputs, sizes = build(folder, "buggy")
    with watch(model, **sizes):
        model(*inputs)


def test_packed_layout_example_fails_in_packing_before_any_module_runs():
    model, inputs, sizes = build("rnn010_packed_layout_mismatch", "buggy")
    with pytest.raises(RuntimeError, match="len\\(lengths\\)") as caught, watch(model, **sizes):
        model(*inputs)
    # pack_padded_sequence is a function, not a module: torch's own error, raised first
    assert not isinstance(caught.value, RNNShapeError)


# The silent bugs (and the call checks) the watcher catches with no sizes declared: the heads
# recognise the recurrent module's own output, h_n and c_n by identity.
# Left out: RNN001's head is fed out.mean() (torch's own error), and RNN012's step loop over the
# batch axis shows only against a declared `seq` (a step of batch `seq` is a time step misread).
CAUGHT_BY_IDENTITY = sorted(set(CAUGHT) - {"rnn001_head_features_mismatch", "rnn012_step_loop_over_batch"})


@pytest.mark.parametrize("folder", CAUGHT_BY_IDENTITY)
def test_heads_catch_the_buggy_example_by_identity_without_sizes(folder):
    model, inputs, _ = build(folder, "buggy")
    with pytest.raises(RNNShapeError) as caught, watch(model, heads=True):
        model(*inputs)
    assert caught.value.rule == folder[:6].upper()
    assert caught.value.module == CAUGHT[folder]


@pytest.mark.parametrize("folder", FOLDERS)
def test_fixed_and_shape_valid_examples_run_unchanged_with_heads_watched(folder):
    for half in ("fixed", "buggy") if folder in SHAPE_VALID else ("fixed",):
        model, inputs, _ = build(folder, half)
        torch.manual_seed(1)
        plain = model(*inputs)
        torch.manual_seed(1)
        with watch(model, heads=True):
            watched = model(*inputs)
        assert torch.equal(plain, watched)
