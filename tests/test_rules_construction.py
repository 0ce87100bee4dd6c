"""RNN009-RNN011 against real torch: what the rules flag is what torch warns about or rejects,
and their fixes, applied through the engine and the command line, give code torch runs.
"""

from __future__ import annotations

import ast
import shutil
import types
import warnings

import pytest

from rnnlint._config import Config
from rnnlint._engine import check_source, lint_source

from conftest import ROOT, expected_markers, run_rnnlint

FOLDERS = {
    "RNN009": ROOT / "examples" / "rnn009_dropout_without_layers",
    "RNN010": ROOT / "examples" / "rnn010_packed_layout_mismatch",
    "RNN011": ROOT / "examples" / "rnn011_invalid_rnn_argument",
}

# Constructor calls, each checked against what torch does with it.
CONSTRUCTIONS = [
    "nn.LSTM(4, 8, batchfirst=True)",
    "nn.LSTM(4, 8, batch_first=True, device='cpu', dtype=None)",
    "nn.LSTM(4, 8, 2, num_layer=2)",
    "nn.LSTM(4, 8, mode='GRU')",
    "nn.GRU(4, 8, proj_size=2)",
    "nn.RNN(4, 8, proj_size=0)",
    "nn.LSTM(4, 8, proj_size=0)",
    "nn.LSTM(4, 8, proj_size=7)",
    "nn.LSTM(4, 8, proj_size=8)",
    "nn.LSTM(4, 8, 1, True, False, 0.0, False, 9)",
    "nn.LSTM(4, 8, proj_size=-1)",
    "nn.RNN(4, 8, nonlinearity='sigmoid')",
    "nn.RNN(4, 8, nonlinearity='Tanh')",
    "nn.RNN(4, 8, 1, 'relu')",
    "nn.RNN(4, 8, 1, 'gelu')",
    "nn.RNN(4, 8, 1, True)",  # `bias` written where `nonlinearity` goes
    "nn.LSTM(4, 8, nonlinearity='tanh')",
    "nn.GRU(4, 8, nonlinearity='relu')",
    "nn.LSTM(4, 8, num_layers=0)",
    "nn.GRU(4, 8, -2)",
    "nn.RNN(4, 8, 0, 'relu')",
    "nn.LSTM(4, 8, num_layers=2, dropout=1.0)",
    "nn.LSTM(4, 8, num_layers=2, dropout=1.01)",
    "nn.GRU(4, 8, 2, True, True, -0.5, True)",
    "nn.LSTM(4, 8, num_layers=2, dropout=False)",
    "nn.LSTM(4, 0)",
    "nn.LSTM(0, 8)",
    "nn.LSTM(4)",
    "nn.LSTM(4, None)",
    "nn.GRU(4, 8, input_size=4)",
    "nn.RNN(4, 8, 2, 'relu', nonlinearity='relu')",
    "nn.GRU(4, 8, 2, True, True, 0.5, True)",
    "nn.RNN(input_size=4, hidden_size=8, nonlinearity='relu', num_layers=2, dropout=0.5, bidirectional=True)",
    # single-layer dropout: torch builds these, with a warning
    "nn.LSTM(4, 8, dropout=0.5)",
    "nn.RNN(4, 8, 1, 'tanh', True, False, 1.0)",
    "nn.GRU(4, 8, num_layers=1, dropout=0.0)",
]


def _construct(call: str):
    """``(exception type name or None, warned about dropout)`` when torch builds ``call``."""
    from torch import nn

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            eval(call, {"nn": nn})
        except Exception as error:  # noqa: BLE001 - which exception is the point
            return type(error).__name__, False
    return None, any("non-zero dropout expects num_layers greater than 1" in str(w.message) for w in caught)


def _codes(call: str) -> list:
    return [finding.code for finding in lint_source(f"import torch.nn as nn\nrnn = {call}\n")]


@pytest.mark.parametrize("call", CONSTRUCTIONS)
def test_invalid_argument_is_flagged_exactly_when_torch_rejects_it(call):
    pytest.importorskip("torch")
    raised, _ = _construct(call)
    assert ("RNN011" in _codes(call)) == (raised is not None), raised


@pytest.mark.parametrize("call", CONSTRUCTIONS)
def test_single_layer_dropout_is_flagged_exactly_when_torch_warns(call):
    pytest.importorskip("torch")
    raised, warned = _construct(call)
    assert ("RNN009" in _codes(call)) == warned, raised


def test_invalid_argument_points_at_the_argument():
    source = "import torch.nn as nn\nrnn = nn.GRU(\n    4,\n    8,\n    num_layers=0,\n    proj_size=2,\n)\n"
    found = [(finding.row, finding.column) for finding in lint_source(source) if finding.code == "RNN011"]
    assert found == [(5, 4), (6, 4)]


@pytest.mark.parametrize("call", [
    "nn.LSTM(4, 8, batchfirst=True, **options)",  # `batch_first` may be in options
    "nn.LSTM(4, 8, batch_first=False, batchfirst=True)",  # already given
    "nn.LSTM(4, 8, batchfirst=True, batch_frist=True)",  # two misspellings of one keyword
    "nn.LSTM(4, 8, hidden=16)",  # no close spelling
])
def test_misspelt_keyword_without_a_certain_rename_gets_no_fix(call):
    findings = [f for f in lint_source(f"import torch.nn as nn\nrnn = {call}\n") if f.code == "RNN011"]
    assert findings and all(finding.fix is None for finding in findings)


def test_rnn010_is_silent_when_the_packed_tensor_is_known_to_match_the_call():
    source = """
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Stacked(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.GRU(8, 16)
        self.second = nn.GRU(16, 16, batch_first=True)

    def forward(self, x, lengths):
        out, _ = self.first(x)
        return self.second(pack_padded_sequence(out, lengths))[1]
"""
    # `out` is sequence first, and so is the packing: `self.second`'s flag does not matter to a packed input
    assert lint_source(source) == []


PACKING = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence as pack, pack_sequence

class Packing(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.gru = nn.GRU(16, 16)

    def forward(self, x, tokens, lengths, words, **options):
        self.lstm(pack(x, lengths))  # expect: RNN010
        self.lstm(pack(torch.relu(self.emb(tokens)), lengths))  # expect: RNN010
        self.lstm(pack(self.emb(tokens).view(tokens.size(0), tokens.size(1), 8), lengths))  # expect: RNN010
        self.lstm(pack(x, lengths, batch_first=True))
        self.lstm(pack(self.emb(tokens).permute(1, 0, 2), lengths))
        self.lstm(pack(x.transpose(1, 0), lengths))
        self.lstm(pack(x, lengths, **options))
        self.lstm(pack_sequence(words, enforce_sorted=False))
        out, _ = self.lstm(self.emb(tokens))
        self.gru(pack(out, lengths, batch_first=True))
        self.gru(pack(out, lengths))  # expect: RNN010
        return out
"""


def test_rnn010_findings_match_their_markers():
    found = [(finding.row, finding.code) for finding in lint_source(PACKING) if finding.code == "RNN010"]
    assert found == expected_markers(PACKING)


def _load(source: str, name: str):
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def _fixed(code: str, unsafe: bool = False) -> str:
    source = (FOLDERS[code] / "buggy.py").read_text()
    result = check_source(source, "buggy.py", Config(select=(code,)), fix=True, unsafe_fixes=unsafe)
    assert result.fixed_source is not None
    ast.parse(result.fixed_source)
    assert code not in [finding.code for finding in result.findings]
    return result.fixed_source


@pytest.mark.parametrize("code", ["RNN010", "RNN011"])
def test_safe_fix_matches_the_hand_fixed_example_under_torch(code):
    torch = pytest.importorskip("torch")
    buggy = _load((FOLDERS[code] / "buggy.py").read_text(), "buggy")
    with pytest.raises((TypeError, RuntimeError)):
        model, inputs = buggy.build()
        model(*inputs)
    fixed_by_rule = _load(_fixed(code), "fixed_by_rule")
    fixed_by_hand = _load((FOLDERS[code] / "fixed.py").read_text(), "fixed_by_hand")
    model, inputs = fixed_by_rule.build()
    reference, reference_inputs = fixed_by_hand.build()
    with torch.no_grad():
        assert torch.equal(model(*inputs), reference(*reference_inputs))


def test_unsafe_dropout_fix_keeps_what_the_model_computes():
    torch = pytest.importorskip("torch")
    buggy = _load((FOLDERS["RNN009"] / "buggy.py").read_text(), "buggy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before, inputs = buggy.build()
    assert any("dropout" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fixed module builds without the warning
        after, _ = _load(_fixed("RNN009", unsafe=True), "fixed").build()
    before.train(), after.train()
    with torch.no_grad():
        # same seed, same weights; train mode, where a working dropout would make them differ
        assert torch.equal(before(*inputs), after(*inputs))


def test_cli_fix_applies_safe_fixes_and_diff_writes_nothing(tmp_path):
    for code, folder in FOLDERS.items():
        shutil.copy(folder / "buggy.py", tmp_path / f"{code.lower()}.py")
    originals = {path.name: path.read_text() for path in tmp_path.glob("*.py")}

    diff = run_rnnlint("--no-cache", "--diff", tmp_path)
    assert "+++ " in diff.stdout and "batch_first=True" in diff.stdout
    assert {path.name: path.read_text() for path in tmp_path.glob("*.py")} == originals

    fixed = run_rnnlint("--no-cache", "--fix", tmp_path)
    assert "Traceback" not in fixed.stderr
    for path in tmp_path.glob("*.py"):
        ast.parse(path.read_text())
    # RNN009's fix is unsafe: it stays until asked for
    assert (tmp_path / "rnn009.py").read_text() == originals["rnn009.py"]
    assert [line.split(": ")[1].split()[0] for line in fixed.stdout.splitlines() if ": RNN" in line] == ["RNN009"]

    unsafe = run_rnnlint("--no-cache", "--fix", "--unsafe-fixes", tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout + unsafe.stderr
    assert "dropout" not in (tmp_path / "rnn009.py").read_text().split("class", 1)[1].split("self.fc")[0]
