"""Fix safety as properties, for every example with a fix of every rule: the fixed file parses,
fixing twice equals fixing once, the fixed finding is gone, bytes outside the fixed spans are
untouched, and on disk the file keeps its mode and line endings."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys

import pytest

from rnnlint._config import Config
from rnnlint._engine import check_source
from rnnlint._source import split_rows
from rnnlint.rules import ALL_RULES

from conftest import without_markers

FIXED_EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.CODE}-{index}")
    for rule in ALL_RULES for index, example in enumerate(rule.INVALID) if example.fixed is not None
]


def _fix(source: str) -> tuple[str, list]:
    result = check_source(source, "example.py", Config(), fix=True, unsafe_fixes=True)
    assert not result.errors
    return (result.fixed_source if result.fixed_source is not None else source), result.findings


def _outside_spans(source: str, findings: list, code: str) -> list[str]:
    """The text of ``source`` with every edit of ``code``'s fixes cut out, as pieces."""
    rows = split_rows(source)
    starts = [0]
    for row in rows:
        starts.append(starts[-1] + len(row))
    spans = sorted((starts[edit.row - 1] + edit.column, starts[edit.end_row - 1] + edit.end_column)
                   for finding in findings if finding.code == code and finding.fix is not None
                   for edit in finding.fix.edits)
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(source[position:start])
        position = max(position, end)
    pieces.append(source[position:])
    return pieces


def test_there_are_fixes_to_check():
    assert {rule.CODE for rule, *_ in (param.values for param in FIXED_EXAMPLES)} >= {"RNN001", "RNN005", "RNN011"}


@pytest.mark.parametrize("rule, example", FIXED_EXAMPLES)
def test_fix_properties(rule, example):
    source = example.code
    before = check_source(source, "example.py", Config()).findings
    assert rule.CODE in {finding.code for finding in before}
    fixed, after = _fix(source)
    ast.parse(fixed)  # the fixed file parses
    assert _fix(fixed)[0] == fixed  # fixing twice equals fixing once
    fixed_rows = {finding.row for finding in before if finding.code == rule.CODE and finding.fix is not None}
    assert not [finding for finding in after if finding.code == rule.CODE and finding.row in fixed_rows
                and finding.fix is not None]  # the fixed finding is gone
    # bytes outside the fixed spans are identical, in order (one pass: every edit is disjoint)
    single = check_source(source, "example.py", Config(), fix=False).findings
    pieces = _outside_spans(source, single, rule.CODE)
    position = 0
    for piece in pieces:
        found = fixed.find(piece, position)
        assert found >= 0, (piece, fixed)
        position = found + len(piece)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_fix_on_disk_keeps_mode_and_line_endings(tmp_path, ending):
    _rule, example = next(param.values for param in FIXED_EXAMPLES if param.values[0].CODE == "RNN001")
    source = without_markers(example.code).replace("\n", ending)
    path = tmp_path / "model.py"
    path.write_bytes(source.encode())
    path.chmod(0o751)
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--fix", "--no-cache", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr
    data = path.read_bytes()
    assert data != source.encode()
    assert data.decode() == example.fixed.replace("\n", ending)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert [name for name in os.listdir(tmp_path)] == ["model.py"]  # no temporary file left


def test_fix_never_writes_a_file_with_a_syntax_error(tmp_path):
    _rule, example = next(param.values for param in FIXED_EXAMPLES if param.values[0].CODE == "RNN001")
    broken = example.code + "\ndef broken(:\n"
    path = tmp_path / "model.py"
    path.write_text(broken)
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--fix", "--no-cache", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "RNN000 syntax error" in result.stdout
    assert path.read_text() == broken
