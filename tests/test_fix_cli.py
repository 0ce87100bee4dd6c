"""``--fix`` and ``--diff`` through the command line: what is written, and what is not."""

from __future__ import annotations

import ast
import os
import shutil

from conftest import ROOT, run_rnnlint

BUGGY = ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py"


def test_fix_rewrites_only_the_bug_and_keeps_comments(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(BUGGY, target)
    result = run_rnnlint("--no-cache", "--fix", target)
    fixed = target.read_text()
    assert "nn.Linear(2 * hidden_size, n_classes)  # expect: RNN001" in fixed
    before, after = BUGGY.read_text().splitlines(), fixed.splitlines()
    assert len(before) == len(after)
    assert sum(1 for a, b in zip(before, after, strict=True) if a != b) == 1
    ast.parse(fixed)
    assert result.returncode == 0 and "Fixed 1 finding" in result.stdout
    # a second run has nothing left to do and does not touch the file
    stamp = os.stat(target).st_mtime_ns
    again = run_rnnlint("--no-cache", "--fix", target)
    assert again.returncode == 0 and os.stat(target).st_mtime_ns == stamp


def test_diff_prints_the_change_and_writes_nothing(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(BUGGY, target)
    original = target.read_text()
    result = run_rnnlint("--no-cache", "--diff", target)
    assert result.returncode == 1
    assert "-        self.fc = nn.Linear(hidden_size, n_classes)" in result.stdout
    assert "+        self.fc = nn.Linear(2 * hidden_size, n_classes)" in result.stdout
    assert target.read_text() == original


def test_fix_leaves_files_without_fixes_untouched(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(ROOT / "examples" / "rnn002_hidden_state_into_head" / "buggy.py", target)
    stamp = os.stat(target).st_mtime_ns
    result = run_rnnlint("--no-cache", "--fix", target)
    assert result.returncode == 1  # the finding has no fix and stays
    assert os.stat(target).st_mtime_ns == stamp
    assert not [name for name in os.listdir(tmp_path) if name != "model.py"]  # no temporary left behind


def test_fix_keeps_file_mode(tmp_path):
    target = tmp_path / "model.py"
    shutil.copy(BUGGY, target)
    os.chmod(target, 0o640)
    run_rnnlint("--no-cache", "--fix", target)
    assert oct(os.stat(target).st_mode & 0o777) == oct(0o640)


def test_fix_from_stdin_writes_the_fixed_code_to_stdout():
    result = run_rnnlint("--fix", "-", "--stdin-filename", "model.py", stdin=BUGGY.read_text())
    assert "nn.Linear(2 * hidden_size, n_classes)" in result.stdout
