"""One test per way rnnlint used to hang, crash or lose a finding silently (issue 10)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from rnnlint._config import Config
from rnnlint._engine import check_source
from rnnlint.cli import main

from conftest import ROOT

BUGGY = (ROOT / "examples/rnn001_head_features_mismatch/buggy.py").read_text()
FINDING_ROW = 19


def lint(*args, stdin: bytes | None = None):
    """``(exit code, stdout, stderr)`` of ``rnnlint ARGS`` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    previous = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main([str(arg) for arg in args])
    finally:
        sys.stdin = previous
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


# --- 2. literals that are no finite number ----------------------------------------------------

@pytest.mark.parametrize("literal", ["1e999", "-1e999", "1e999 - 1e999", "1j", "2 + 3j", "0x" + "f" * 5000,
                                     "10 ** 5000", "float('nan')", "1e999 * 0"])
def test_every_literal_keeps_the_finding_next_to_it(tmp_path, literal):
    source = BUGGY.replace("SIZES = {", f"HUGE = {literal}\nSCALE = HUGE * 2 + 1\nSIZES = {{", 1)
    source = source.replace("self.hidden_size = hidden_size",
                            "self.hidden_size = hidden_size\n        self.k = HUGE // 3")
    result = check_source(source, "m.py", Config())
    assert [finding.code for finding in result.findings] == ["RNN001"] and not result.errors
    (tmp_path / "m.py").write_text(source)
    assert lint("--no-cache", tmp_path / "m.py")[0] == 1
    code, out, err = lint("shapes", tmp_path / "m.py")
    assert code == 0 and "class SentenceClassifier" in out and err == ""
    assert lint("--stdin-filename", "m.py", "-", stdin=source.encode())[0] == 1


def test_poly_const_accepts_every_number():
    from rnnlint._analysis._symbolic import DIFFERENT, EQUAL, Poly, compare_numbers

    for number in (float("inf"), float("-inf"), float("nan"), 1j, 10 ** 5000, 1e308):
        value = Poly.const(number)
        assert value.describe()  # can be written: no OverflowError, no digit limit
        assert compare_numbers(value, Poly.atom("hidden_size")) != DIFFERENT
    assert compare_numbers(Poly.const(10 ** 5000), Poly.const(10 ** 5000 + 1)) == DIFFERENT
    assert compare_numbers(Poly.const(2.5), Poly.const(2.5)) == EQUAL


# --- 6. deep nesting: unknown for that expression, the file's findings kept --------------------

@pytest.mark.parametrize("deep", [
    "y = " + " if c else ".join(["1"] * 500),
    "def f(x):\n    return x" + "[0]" * 2000,
    "def g(x):\n    return " + "not " * 2000 + "x",
])
def test_deep_nesting_costs_only_that_expression(deep):
    compile(deep, "deep.py", "exec")  # Python itself runs it
    inlined = "        q = " + deep.split("return ")[-1].replace("y = ", "") + "\n        return self.fc("
    for source in (BUGGY + deep + "\n", BUGGY.replace("        return self.fc(", inlined)):
        result = check_source(source, "m.py", Config())
        assert [(f.code, f.row) for f in result.findings] == [("RNN001", FINDING_ROW)], result.errors
        assert not result.errors


def test_a_file_that_cannot_be_analysed_is_never_a_pass(tmp_path, monkeypatch):
    import rnnlint._analysis as analysis

    def too_deep(*_args, **_kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(analysis, "analyse", too_deep)
    (tmp_path / "m.py").write_text(BUGGY)
    (tmp_path / "other.py").write_text("x = 1\n")
    code, out, err = lint("--no-cache", tmp_path)
    assert code == 2
    assert err == f"rnnlint: error: {tmp_path / 'm.py'}: could not be analysed: nesting too deep\n"
    assert out == "Found 0 findings in 2 files checked; 1 file could not be analysed.\n"
    assert lint("--no-cache", "--exit-zero", tmp_path)[0] == 0


# --- 7. an internal error anywhere: one line naming the file and the stage ----------------------

def _request(path, stage: str, detail: str) -> str:
    return (f"rnnlint: error: {path}: internal error in {stage} ({detail}); the file was not fully checked, "
            f"please report this to rnnlint with the file if you can\n")


def test_internal_error_in_a_rule_keeps_the_other_rules(tmp_path, monkeypatch):
    from rnnlint.rules import ALL_RULES

    broken = next(rule for rule in ALL_RULES if rule.CODE == "RNN005")

    def fail(_self, _context):
        raise KeyError("lost")
        yield

    monkeypatch.setattr(broken, "check", fail)
    (tmp_path / "m.py").write_text(BUGGY)
    code, out, err = lint("--no-cache", tmp_path / "m.py")
    assert code == 2
    assert err == _request(tmp_path / "m.py", "rule RNN005", "KeyError: 'lost'")
    assert out.splitlines() == [
        f"{tmp_path / 'm.py'}:19:19: RNN001 [*] `self.fc` takes `hidden_size` input features, but receives "
        "`2*hidden_size` from bidirectional `self.lstm`",
        "Found 1 finding in 1 file checked; 1 file could not be analysed. [*] 1 fixable with `--fix`."]
    # stdin: the same line, the same exit status
    assert lint("--stdin-filename", "m.py", "-", stdin=BUGGY.encode())[0::2] == (
        2, _request("m.py", "rule RNN005", "KeyError: 'lost'"))


def test_internal_error_in_the_analysis_and_in_shapes(tmp_path, monkeypatch):
    import rnnlint._analysis as analysis

    def fail(*_args, **_kwargs):
        raise TypeError("unexpected\nsecond line")

    monkeypatch.setattr(analysis, "analyse", fail)
    (tmp_path / "m.py").write_text(BUGGY)
    (tmp_path / "n.py").write_text(BUGGY)
    code, out, err = lint("--no-cache", tmp_path / "m.py", tmp_path / "n.py")
    assert code == 2
    assert err == _request(tmp_path / "m.py", "the analysis", "TypeError: unexpected") + _request(
        tmp_path / "n.py", "the analysis", "TypeError: unexpected")
    assert out == "Found 0 findings in 2 files checked; 2 files could not be analysed.\n"
    code, out, err = lint("shapes", tmp_path / "m.py", tmp_path / "n.py")
    assert (code, out) == (2, "")
    assert err == _request(tmp_path / "m.py", "shapes", "TypeError: unexpected") + _request(
        tmp_path / "n.py", "shapes", "TypeError: unexpected")


def test_internal_error_in_the_engine_in_a_worker(tmp_path, monkeypatch):
    import rnnlint._runner as runner

    def fail(*_args, **_kwargs):
        raise ValueError("engine")

    monkeypatch.setattr(runner, "check_source", fail)
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD_BYTES", 0)  # workers inherit the patch (fork)
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(BUGGY)
    for jobs in ("1", "2"):
        code, out, err = lint("--no-cache", "--jobs", jobs, tmp_path)
        assert code == 2
        assert err == "".join(_request(tmp_path / name, "the engine", "ValueError: engine")
                              for name in ("a.py", "b.py", "c.py"))
        assert out == "Found 0 findings in 3 files checked; 3 files could not be analysed.\n"


def test_an_interrupted_run_exits_130(tmp_path, monkeypatch):
    import rnnlint._runner as runner

    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "check_source", interrupt)
    (tmp_path / "m.py").write_text(BUGGY)
    assert lint("--no-cache", tmp_path) == (130, "", "rnnlint: error: interrupted\n")


# --- 8. the cache: any unreadable entry is a miss ----------------------------------------------

@pytest.mark.parametrize("entry", [
    "[" * 100_000 + "]" * 100_000,  # RecursionError in json.loads
    "not json", '{"a": 1}', "[1, 2]", '[{"row": "x"}]', "\udcff", "",
])
def test_a_corrupt_cache_entry_is_a_miss(tmp_path, entry):
    (tmp_path / "m.py").write_text(BUGGY)
    cache = tmp_path / "cache"
    first = lint("--cache-dir", cache, tmp_path / "m.py")
    entries = [path for path in cache.rglob("*.json")]
    assert len(entries) == 1
    entries[0].write_bytes(entry.encode("utf-8", "surrogateescape"))
    assert lint("--cache-dir", cache, tmp_path / "m.py") == first
    assert json.loads(entries[0].read_text())  # recomputed and written again


def test_a_read_only_cache_folder_is_a_warning(tmp_path):
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    (tmp_path / "m.py").write_text(BUGGY)
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        code, out, err = lint("--cache-dir", cache, tmp_path / "m.py")
    finally:
        cache.chmod(0o700)
    assert code == 1 and "RNN001" in out
    assert err.startswith("rnnlint: warning: cannot write the cache in") and len(err.splitlines()) == 1


# --- 10. the runtime watcher: copies carry no hooks; scripting says what to do ------------------

_WATCH_SCRIPT = r"""
import copy, io, pickle, warnings
warnings.simplefilter("ignore")
import torch
from torch import nn
from rnnlint.runtime import watch

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)
        self.fc = nn.Linear(8, 2)
    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])

def user_hook(module, args):
    return None

def hooks(model):
    return sum(len(m._forward_pre_hooks) + len(m._forward_hooks) for m in model.modules())

model = M()
x = torch.randn(2, 3, 4)
users = model.lstm.register_forward_pre_hook(user_hook)  # the user's own hook stays
with watch(model, batch=2, seq=3):
    model(x)
    deep = copy.deepcopy(model)
    pickled = pickle.loads(pickle.dumps(model))
    buffer = io.BytesIO(); torch.save(model, buffer); buffer.seek(0)
    saved = torch.load(buffer, weights_only=False)
    try:
        torch.jit.script(model)
        scripted = "scripted"
    except RuntimeError as error:
        scripted = str(error)
    try:
        model(torch.randn(3, 2, 4))
        still = "no error"
    except Exception as error:
        still = type(error).__name__
print(hooks(deep), hooks(pickled), hooks(saved), hooks(model))
for copied in (deep, pickled, saved):
    copied(torch.randn(3, 2, 4))  # unwatched: no check on the swapped axes
print(scripted)
print(still)
users.remove()
deep.lstm._forward_pre_hooks.clear()
print(torch.jit.script(model)(x).shape == (2, 2), torch.jit.script(deep)(x).shape == (2, 2))
"""


@pytest.mark.slow
def test_copies_of_a_watched_model_carry_no_hooks_and_script_says_why_not(tmp_path):
    pytest.importorskip("torch")
    script = tmp_path / "watched.py"  # TorchScript reads the class's source: a file, not -c
    script.write_text(_WATCH_SCRIPT)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 1 1 1"  # the user's own hook is copied; the watch's hooks are not
    assert lines[1] == (
        "rnnlint: torch.jit.script cannot compile the hooks that rnnlint.runtime.watch puts on `model.lstm` "
        "(LSTM); script the model outside the `with watch(...)` block, and watch the Python model "
        "(a scripted model is never watched)")
    assert lines[2] == "RNNShapeError"  # the original is still watched
    assert lines[3] == "True True"  # after the watch, scripting works, on the original and the copy


def test_internal_errors_reach_the_api_and_flake8(monkeypatch, tmp_path):
    import rnnlint
    import rnnlint._analysis as analysis
    from flake8_rnnlint import RnnlintChecker

    def fail(*_args, **_kwargs):
        raise TypeError("unexpected")

    monkeypatch.setattr(analysis, "analyse", fail)
    with pytest.warns(RuntimeWarning, match=r"m\.py: internal error in the analysis \(TypeError: unexpected\)"):
        assert rnnlint.lint_source(BUGGY, "m.py") == []
    (tmp_path / "m.py").write_text(BUGGY)
    with pytest.warns(RuntimeWarning, match="internal error in the analysis"):
        assert rnnlint.lint_paths([tmp_path / "m.py"]) == []
    import ast

    reported = list(RnnlintChecker(ast.parse(BUGGY), BUGGY.splitlines(keepends=True), "m.py").run())
    assert [(row, column, text.split(" ")[0]) for row, column, text, _ in reported] == [(1, 0, "RNN000")]
    assert "internal error in the analysis" in reported[0][2]
