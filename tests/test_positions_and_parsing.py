"""The parser front end: rows and columns as editors count them, large files parsed in groups."""

from __future__ import annotations

import ast

import pytest

from rnnlint._config import Config
from rnnlint._engine import CHUNK_BYTES, check_source, parse_source
from rnnlint._source import SourceLines, split_rows

from conftest import ROOT

BUGGY_HEAD = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text()
BUGGY_ROW = 19  # where the example's `# expect: RNN001` marker is


def test_rows_break_only_where_python_breaks_them():
    source = "a = 1\x0c\nb = '\x0b\u2028'\r\nc = 3\rd = 4\n"
    assert split_rows(source) == ["a = 1\x0c\n", "b = '\x0b\u2028'\r\n", "c = 3\r", "d = 4\n"]
    assert len(split_rows(source)) == len(ast.parse(source).body)
    assert split_rows("x = 1") == ["x = 1"]


def test_a_form_feed_line_moves_neither_the_finding_nor_its_fix():
    source = "\x0c\n" + BUGGY_HEAD
    result = check_source(source, "m.py", Config(select=("RNN001",)), fix=True)
    assert [(f.row, f.code) for f in result.findings] == []
    assert result.fixed_source == "\x0c\n" + BUGGY_HEAD.replace("nn.Linear(hidden_size,", "nn.Linear(2 * hidden_size,")
    findings = check_source(source, "m.py", Config()).findings
    assert [(f.row, f.code) for f in findings] == [(BUGGY_ROW + 1, "RNN001")]


def test_columns_count_characters_not_bytes():
    line = "        self.fc = nn.Linear(hidden_size, n_classes)"
    assert line in BUGGY_HEAD
    ascii_finding = check_source(BUGGY_HEAD, "m.py", Config()).findings[0]
    moved = BUGGY_HEAD.replace(line, "        self.fc = nn.Linear(hidden_size, n_classes)  # é")
    widened = BUGGY_HEAD.replace(line, "        self.fc = nn.Linear(hidden_size, n_classes); ü = 'é'")
    assert check_source(moved, "m.py", Config()).findings[0].column == ascii_finding.column
    assert check_source(widened, "m.py", Config()).findings[0].column == ascii_finding.column
    prefixed = BUGGY_HEAD.replace(line, "        ü = 1; self.fc = nn.Linear(hidden_size, n_classes)")
    finding = check_source(prefixed, "m.py", Config()).findings[0]
    assert finding.column == ascii_finding.column + len("ü = 1; ")
    fixed = check_source(prefixed, "m.py", Config(), fix=True).fixed_source
    assert "ü = 1; self.fc = nn.Linear(2 * hidden_size, n_classes)" in fixed


def test_segment_is_the_original_text():
    source = "x = f(  a ,# note\n  (b + c) )\n"
    call = ast.parse(source).body[0].value
    lines = SourceLines(source)
    assert lines.segment(call) == "f(  a ,# note\n  (b + c) )"
    assert lines.segment(call.args[1]) == "b + c"


def _big_module(classes: int) -> str:
    block = BUGGY_HEAD.split("\n\n\n", 1)[1] if "\n\n\n" in BUGGY_HEAD else BUGGY_HEAD
    header = "import torch\nimport torch.nn as nn\n\n\n"
    parts = [block.replace("class SentenceClassifier", f"class Model{index}") for index in range(classes)]
    return header + "\n\n".join(parts)


@pytest.mark.slow
def test_a_large_file_parsed_in_groups_gives_the_tree_of_one_parse():
    source = _big_module(CHUNK_BYTES // len(BUGGY_HEAD) * 3)
    assert len(source) > 2 * CHUNK_BYTES
    chunked = parse_source(source, "big.py")
    assert ast.dump(chunked, include_attributes=True) == ast.dump(ast.parse(source), include_attributes=True)


@pytest.mark.slow
def test_a_group_cut_inside_a_string_falls_back_to_one_parse():
    body = _big_module(CHUNK_BYTES // len(BUGGY_HEAD) * 2)
    # a column-0 `class` line inside a string, past the first group's size: a cut there would not parse
    source = body + '\n\nNOTE = """\n' + "x = 1\n" * (CHUNK_BYTES // 6) + 'class NotAClass:\n"""\n'
    tree = parse_source(source, "big.py")
    assert ast.dump(tree, include_attributes=True) == ast.dump(ast.parse(source), include_attributes=True)
    assert isinstance(tree.body[-1], ast.Assign)
