"""Real-torch proof for examples/: each buggy half misbehaves, each fixed half is right.

Needs torch; expected shapes come from rnnlint._shapes, never from a second copy here.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import sys
import warnings
from functools import cache
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnnlint._shapes import (
    RNNConfig,
    batch_axis,
    cell_state_shape,
    hidden_output_size,
    hidden_state_shape,
    output_features,
    output_shape,
    state_layers,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MARKER = re.compile(r"#\s*expect:\s*(\S+)")

# Folder -> a fragment of the buggy line that must carry the `# expect:` marker.
MARKED_LINES = {
    "rnn001_head_features_mismatch": "nn.Linear(",
    "rnn002_hidden_state_into_head": "self.fc(h_n)",
    "rnn003_one_direction_last_hidden": "h_n[-1]",
    "rnn004_batch_axis_as_time": "out[:, -1, :]",
    "rnn005_reshape_swaps_axes": ".view(",
    "rnn006_initial_state_shape": "torch.zeros(",
    "rnn007_lstm_state_tuple": "hidden[-1]",
    "rnn008_input_size_mismatch": "nn.LSTM(",
    "rnn009_dropout_without_layers": "nn.LSTM(",
    "rnn010_packed_layout_mismatch": "pack_padded_sequence(",
    "rnn011_invalid_rnn_argument": "nn.LSTM(",
    "rnn012_step_loop_over_batch": "for t in range(",
}
BUILDS_CLEANLY = sorted(set(MARKED_LINES) - {"rnn011_invalid_rnn_argument"})


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@cache
def load(folder: str, half: str):
    path = EXAMPLES / folder / f"{half}.py"
    spec = importlib.util.spec_from_file_location(
        f"rnnlint_example_{folder}_{half}", path
    )
    module = importlib.util.module_from_spec(spec)
    # keep examples/ free of __pycache__ folders
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


def build(folder: str, half: str):
    module = load(folder, half)
    model, inputs = module.build()
    return module.SIZES, model, inputs


def recurrent_module(model: nn.Module) -> nn.RNNBase:
    (rnn,) = [m for m in model.modules() if isinstance(m, nn.RNNBase)]
    return rnn


def config_of(rnn: nn.RNNBase) -> RNNConfig:
    return RNNConfig(
        kind=rnn.mode if rnn.mode in ("LSTM", "GRU") else "RNN",
        input_size=rnn.input_size,
        hidden_size=rnn.hidden_size,
        num_layers=rnn.num_layers,
        batch_first=rnn.batch_first,
        bidirectional=rnn.bidirectional,
        proj_size=rnn.proj_size,
    )


def run_recording(model: nn.Module, inputs: tuple):
    """Call the model; record what its RNN took and returned and what the head took."""
    seen = {}
    rnn = recurrent_module(model)
    hooks = [
        rnn.register_forward_pre_hook(lambda _, args: seen.update(rnn_in=args[0])),
        rnn.register_forward_hook(lambda _, __, result: seen.update(rnn_out=result)),
        model.fc.register_forward_pre_hook(
            lambda _, args: seen.update(head_in=args[0])
        ),
    ]
    try:
        with torch.no_grad():
            seen["logits"] = model(*inputs)
    finally:
        for hook in hooks:
            hook.remove()
    return seen


def with_sample_changed(x: torch.Tensor, batch_axis: int, sample: int) -> torch.Tensor:
    changed = x.clone()
    changed.select(batch_axis, sample).add_(1.0)
    return changed


# --- layout of the examples folder


def test_every_example_folder_is_listed_and_holds_exactly_a_pair():
    folders = {
        p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "__pycache__"
    }
    assert folders == set(MARKED_LINES)
    for folder in folders:
        files = {
            p.name for p in (EXAMPLES / folder).iterdir() if p.name != "__pycache__"
        }
        assert files == {"buggy.py", "fixed.py"}, folder


@pytest.mark.parametrize("folder", sorted(MARKED_LINES))
def test_buggy_half_has_one_marker_naming_its_folder_on_the_expected_line(folder):
    lines = (EXAMPLES / folder / "buggy.py").read_text().splitlines()
    marked = [
        (line, MARKER.search(line).group(1)) for line in lines if MARKER.search(line)
    ]
    assert len(marked) == 1, marked
    line, code = marked[0]
    assert code == folder.split("_")[0].upper()
    assert MARKED_LINES[folder] in line


@pytest.mark.parametrize("folder", sorted(MARKED_LINES))
def test_fixed_half_has_no_marker_and_differs_from_buggy_only_in_the_fix(folder):
    buggy = (EXAMPLES / folder / "buggy.py").read_text().splitlines()
    fixed = (EXAMPLES / folder / "fixed.py").read_text().splitlines()
    assert not any("expect:" in line for line in fixed)
    changed = [line for line in difflib.ndiff(buggy, fixed) if line.startswith("+ ")]
    assert 1 <= len(changed) <= 2, changed


@pytest.mark.parametrize("folder", BUILDS_CLEANLY)
def test_fixed_half_returns_one_row_of_logits_per_sample(folder):
    sizes, model, inputs = build(folder, "fixed")
    with torch.no_grad():
        logits = model(*inputs)
    assert logits.shape == (sizes["batch"], model.fc.out_features)


# --- one proof per rule


def test_rnn001_head_sized_for_one_direction_raises_and_the_fix_runs():
    sizes, model, inputs = build("rnn001_head_features_mismatch", "buggy")
    config = config_of(model.lstm)
    got = f"{sizes['batch']}x{output_features(config)}"
    wanted = f"{model.fc.in_features}x{model.fc.out_features}"
    with pytest.raises(RuntimeError, match=re.escape(f"({got} and {wanted})")):
        model(*inputs)

    _, model, inputs = build("rnn001_head_features_mismatch", "fixed")
    assert model.fc.in_features == output_features(config_of(model.lstm))
    model(*inputs)


def test_rnn002_whole_h_n_gives_one_prediction_per_layer():
    sizes, model, inputs = build("rnn002_hidden_state_into_head", "buggy")
    config = config_of(model.gru)
    logits = run_recording(model, inputs)["logits"]
    assert logits.shape == (state_layers(config), sizes["batch"], model.fc.out_features)
    targets = torch.zeros(sizes["batch"], dtype=torch.long)
    with pytest.raises(ValueError, match="Expected input batch_size"):
        F.cross_entropy(logits, targets)

    _, model, inputs = build("rnn002_hidden_state_into_head", "fixed")
    seen = run_recording(model, inputs)
    output, _ = seen["rnn_out"]
    # one direction, batch first: the last layer's final state is the last time step
    torch.testing.assert_close(seen["head_in"], output[:, -1, :])
    assert torch.isfinite(F.cross_entropy(seen["logits"], targets))


def _forward_weights_of_last_layer_changed(model: nn.Module) -> nn.Module:
    last = model.gru.num_layers - 1
    with torch.no_grad():
        for name in (f"weight_ih_l{last}", f"weight_hh_l{last}", f"bias_ih_l{last}"):
            getattr(model.gru, name).add_(0.5)
    return model


def test_rnn003_h_n_last_holds_only_the_backward_direction():
    folder = "rnn003_one_direction_last_hidden"
    _, model, inputs = build(folder, "buggy")
    size = hidden_output_size(config_of(model.gru))
    seen = run_recording(model, inputs)
    output, _ = seen["rnn_out"]
    # backward direction ends at time 0, forward at the last time step
    torch.testing.assert_close(seen["head_in"], output[:, 0, size:])
    assert not torch.allclose(seen["head_in"], output[:, -1, :size])
    changed = run_recording(_forward_weights_of_last_layer_changed(model), inputs)
    torch.testing.assert_close(changed["logits"], seen["logits"])

    _, model, inputs = build(folder, "fixed")
    seen = run_recording(model, inputs)
    output, _ = seen["rnn_out"]
    both = torch.cat((output[:, -1, :size], output[:, 0, size:]), dim=1)
    torch.testing.assert_close(seen["head_in"], both)
    changed = run_recording(_forward_weights_of_last_layer_changed(model), inputs)
    assert not torch.allclose(changed["logits"], seen["logits"])


def test_rnn004_indexing_axis_one_picks_the_last_sample_at_every_time_step():
    folder = "rnn004_batch_axis_as_time"
    sizes, model, inputs = build(folder, "buggy")
    (x,) = inputs
    config = config_of(model.lstm)
    seen = run_recording(model, inputs)
    output, _ = seen["rnn_out"]
    assert output.shape == output_shape(config, sizes["batch"], sizes["seq"])
    assert seen["logits"].shape[0] == sizes["seq"] != sizes["batch"]
    for t in range(sizes["seq"]):
        torch.testing.assert_close(seen["head_in"][t], output[t, sizes["batch"] - 1])
    last_sample_changed = with_sample_changed(x, batch_axis(config), sizes["batch"] - 1)
    changed = run_recording(model, (last_sample_changed,))
    assert not torch.allclose(changed["logits"][0], seen["logits"][0])

    sizes, model, inputs = build(folder, "fixed")
    seen = run_recording(model, inputs)
    output, _ = seen["rnn_out"]
    torch.testing.assert_close(seen["head_in"], output[sizes["seq"] - 1])
    last_sample_changed = with_sample_changed(
        inputs[0], batch_axis(config), sizes["batch"] - 1
    )
    changed = run_recording(model, (last_sample_changed,))
    torch.testing.assert_close(changed["logits"][0], seen["logits"][0])


@pytest.mark.parametrize("half, mixes_samples", [("buggy", True), ("fixed", False)])
def test_rnn005_view_scrambles_samples_where_transpose_does_not(half, mixes_samples):
    sizes, model, inputs = build("rnn005_reshape_swaps_axes", half)
    (x,) = inputs
    seen = run_recording(model, inputs)
    assert seen["rnn_in"].shape == (sizes["seq"], sizes["batch"], model.gru.input_size)
    sees_sample_0 = torch.equal(seen["rnn_in"][:, 0], x[0])
    assert sees_sample_0 is not mixes_samples
    changed = run_recording(model, (with_sample_changed(x, 0, sizes["batch"] - 1),))
    depends_on_last_sample = not torch.allclose(changed["logits"][0], seen["logits"][0])
    assert depends_on_last_sample is mixes_samples


def test_rnn006_zero_state_without_directions_raises_and_the_fix_runs():
    folder = "rnn006_initial_state_shape"
    sizes, model, inputs = build(folder, "buggy")
    expected = hidden_state_shape(config_of(model.gru), sizes["batch"])
    with pytest.raises(
        RuntimeError, match=re.escape(f"Expected hidden size {expected}")
    ):
        model(*inputs)

    sizes, model, inputs = build(folder, "fixed")
    seen = {}
    hook = model.gru.register_forward_pre_hook(lambda _, args: seen.update(h0=args[1]))
    model(*inputs)
    hook.remove()
    assert seen["h0"].shape == hidden_state_shape(config_of(model.gru), sizes["batch"])


def test_rnn007_second_item_of_the_lstm_state_is_the_cell_state():
    folder = "rnn007_lstm_state_tuple"
    sizes, model, inputs = build(folder, "buggy")
    config = config_of(model.lstm)
    seen = run_recording(model, inputs)
    _, (h_n, c_n) = seen["rnn_out"]
    assert torch.equal(seen["head_in"], c_n)
    assert seen["head_in"].shape == cell_state_shape(config, sizes["batch"])
    assert seen["logits"].shape == (
        state_layers(config),
        sizes["batch"],
        model.fc.out_features,
    )

    _, model, inputs = build(folder, "fixed")
    seen = run_recording(model, inputs)
    _, (h_n, c_n) = seen["rnn_out"]
    assert torch.equal(seen["head_in"], h_n[-1])
    assert not torch.allclose(seen["head_in"], c_n[-1])


def test_rnn008_lstm_narrower_than_embedding_raises_and_the_fix_runs():
    folder = "rnn008_input_size_mismatch"
    _, model, inputs = build(folder, "buggy")
    message = f"Expected {model.lstm.input_size}, got {model.embedding.embedding_dim}"
    assert model.lstm.input_size != model.embedding.embedding_dim
    with pytest.raises(RuntimeError, match=re.escape(message)):
        model(*inputs)

    _, model, inputs = build(folder, "fixed")
    assert model.lstm.input_size == model.embedding.embedding_dim
    model(*inputs)


def test_rnn009_dropout_on_one_layer_warns_and_does_nothing():
    folder = "rnn009_dropout_without_layers"
    with pytest.warns(
        UserWarning, match="non-zero dropout expects num_layers greater than 1"
    ):
        _, model, inputs = build(folder, "buggy")
    model.train()
    with torch.no_grad():
        assert torch.equal(model(*inputs), model(*inputs))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, model, inputs = build(folder, "fixed")
    assert not [w for w in caught if "dropout" in str(w.message)]
    model.train()
    with torch.no_grad():
        assert not torch.equal(model(*inputs), model(*inputs))


def test_rnn010_packing_batch_first_input_reads_time_as_batch():
    folder = "rnn010_packed_layout_mismatch"
    sizes, model, inputs = build(folder, "buggy")
    # the time axis is read as the batch: seq lengths expected, one per sample given
    message = f"got {sizes['batch']} (batch_size={sizes['seq']})"
    with pytest.raises(RuntimeError, match=re.escape(message)):
        model(*inputs)

    sizes, model, inputs = build(folder, "fixed")
    x, lengths = inputs
    with torch.no_grad():
        logits = model(x, lengths)
        # each clip scores as if it ran alone, unpadded
        for clip, length in enumerate(lengths.tolist()):
            alone = model(x[clip : clip + 1, :length], torch.tensor([length]))
            torch.testing.assert_close(logits[clip : clip + 1], alone)


def test_rnn011_misspelt_keyword_raises_at_construction_and_the_fix_is_batch_first():
    folder = "rnn011_invalid_rnn_argument"
    with pytest.raises(TypeError, match="unexpected keyword argument 'batchfirst'"):
        build(folder, "buggy")

    sizes, model, inputs = build(folder, "fixed")
    assert model.lstm.batch_first is True
    seen = run_recording(model, inputs)
    output, _ = seen["rnn_out"]
    assert output.shape == output_shape(
        config_of(model.lstm), sizes["batch"], sizes["seq"]
    )
    assert seen["logits"].shape == (sizes["batch"], model.fc.out_features)


def test_rnn012_indexing_samples_as_time_steps_mixes_samples_and_the_fix_does_not():
    folder = "rnn012_step_loop_over_batch"
    for half, mixes in (("buggy", True), ("fixed", False)):
        sizes, model, (x,) = build(folder, half)
        with torch.no_grad():
            logits = model(x)
            changed = model(with_sample_changed(x, 0, 1))
        # row 0 of the logits is sample 0's prediction only when the loop walks time
        assert (not torch.allclose(changed[0], logits[0])) is mixes, half
    assert logits.shape == (sizes["batch"], model.fc.out_features)
