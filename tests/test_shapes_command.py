"""``rnnlint shapes``: the symbolic shapes the analysis infers, asserted on the examples."""

from __future__ import annotations

import re

from conftest import ROOT, run_rnnlint


def _shapes(example: str, half: str = "fixed") -> str:
    result = run_rnnlint("shapes", ROOT / "examples" / example / f"{half}.py")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _line(output: str, name: str) -> str:
    for line in output.splitlines():
        match = re.match(rf"\s+\d+\s+{re.escape(name)}: (.*)$", line)
        if match:
            return match.group(1)
    raise AssertionError(f"{name} not in:\n{output}")


def test_bidirectional_lstm_output_and_head():
    output = _shapes("rnn001_head_features_mismatch")
    assert _line(output, "out") == "(batch, seq, 2*hidden_size)"
    assert _line(output, "return") == "(batch, n_classes)"
    assert "self.lstm = LSTM(input_size=input_size, hidden_size=hidden_size" in output
    assert "bidirectional=True" in output


def test_hidden_state_is_layers_times_directions_first():
    output = _shapes("rnn003_one_direction_last_hidden")
    assert _line(output, "h_n") == "(2*num_layers, batch, hidden_size)"


def test_sequence_first_output_and_time_step():
    output = _shapes("rnn004_batch_axis_as_time")
    assert _line(output, "out") == "(seq, batch, hidden_size)"
    assert _line(output, "last") == "(batch, hidden_size)"
    buggy = _shapes("rnn004_batch_axis_as_time", "buggy")
    assert _line(buggy, "last") == "(seq, hidden_size)"


def test_initial_state_helper_shape():
    output = _shapes("rnn006_initial_state_shape", "buggy")
    assert _line(output, "h0") == "(num_layers, batch, hidden_size)"


def test_embedding_features_and_missing_file():
    output = _shapes("rnn008_input_size_mismatch", "buggy")
    assert _line(output, "embedded") == "(..., 100)"  # token ids of unknown rank, 100 features
    result = run_rnnlint("shapes", "no/such/file.py")
    assert result.returncode == 2 and result.stderr.startswith("rnnlint: error:")
