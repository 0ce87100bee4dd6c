"""Odd inputs: each gives its exact one-line message and exit code, never a traceback or a hang.

Every run goes through a subprocess with a timeout: a named pipe that is opened by mistake
would block an in-process run forever.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

BUGGY = (ROOT / "examples/rnn001_head_features_mismatch/buggy.py").read_text()
FINDING = ("RNN001 [*] `self.fc` takes `hidden_size` input features, "
           "but receives `2*hidden_size` from bidirectional `self.lstm`")
HEADER = "import torch.nn as nn\nrnn = nn.LSTM(1, 2)\n"
SUMMARY = "Found 1 finding in 1 file checked. [*] 1 fixable with `--fix`."


def rnnlint(*args, cwd, stdin: bytes | None = None):
    """``(exit code, stdout, stderr)`` of one run, as bytes decoded with escapes."""
    options = [] if args and args[0] == "shapes" else ["--no-cache"]
    result = subprocess.run([sys.executable, "-m", "rnnlint", *options, *map(os.fsdecode, args)],
                            capture_output=True, cwd=cwd, input=stdin, timeout=60)
    out = result.stdout.decode("utf-8", "backslashreplace")
    err = result.stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in out + err
    return result.returncode, out, err


def _syntax_error_line(source: str) -> tuple[int, int, str]:
    try:
        compile(source, "x.py", "exec")
    except SyntaxError as error:
        return error.lineno, error.offset, error.msg
    raise AssertionError("compiles")


def test_a_syntax_error_is_one_finding_where_python_puts_it(tmp_path):
    source = "import torch.nn as nn\nclass M(nn.Module:\n    lstm = nn.LSTM(2, 4)\n"
    (tmp_path / "broken.py").write_text(source)
    row, column, message = _syntax_error_line(source)
    assert rnnlint("broken.py", cwd=tmp_path) == (
        2, f"broken.py:{row}:{column}: RNN000 syntax error: {message}\n"
           "Found 0 findings and 1 file that could not be read in 1 file checked.\n", "")


def test_python_2_code_is_a_syntax_error(tmp_path):
    source = HEADER + "print 'hello'\n"
    (tmp_path / "py2.py").write_text(source)
    row, column, message = _syntax_error_line(source)
    code, out, err = rnnlint("py2.py", cwd=tmp_path)
    assert (code, out.splitlines()[0], err) == (2, f"py2.py:{row}:{column}: RNN000 syntax error: {message}", "")


def test_null_bytes(tmp_path):
    (tmp_path / "nul.py").write_bytes(HEADER.encode() + b"x = 1\x00\n")
    code, out, err = rnnlint("nul.py", cwd=tmp_path)
    assert code == 2 and err == ""
    assert out.splitlines()[0] in ("nul.py:1:1: RNN000 cannot parse file: source code string cannot contain null bytes",
                                   "nul.py:1:1: RNN000 syntax error: source code string cannot contain null bytes")


@pytest.mark.parametrize("name, data", [
    ("bom", b"\xef\xbb\xbf" + BUGGY.encode()),
    ("crlf", BUGGY.replace("\n", "\r\n").encode()),
    ("cr", BUGGY.replace("\n", "\r").encode()),
    ("latin1-cookie", b"# -*- coding: latin-1 -*-\n" + BUGGY.replace('"""Sentence', '"""Caf\xe9 sentence', 1)
     .encode("latin-1")),
])
def test_encodings_and_line_endings_read_as_python_reads_them(tmp_path, name, data):
    (tmp_path / "model.py").write_bytes(data)
    row = 20 if name == "latin1-cookie" else 19
    summary = "Found 1 finding in 1 file checked. [*] 1 fixable with `--fix`.\n"
    assert rnnlint("model.py", cwd=tmp_path) == (1, f"model.py:{row}:19: {FINDING}\n{summary}", "")
    # standard input is read by the same function: the same finding
    assert rnnlint("--stdin-filename", "model.py", "-", cwd=tmp_path, stdin=data) == (
        1, f"model.py:{row}:19: {FINDING}\n", "")


def test_undecodable_file_is_rnn000_only_when_it_can_matter(tmp_path):
    (tmp_path / "skipped.py").write_bytes(b"x = 'caf\xe9'  # never names an LSTM from torch\n")
    (tmp_path / "read.py").write_bytes(HEADER.encode() + b"x = 'caf\xe9'\n")
    code, out, err = rnnlint(".", cwd=tmp_path)
    assert (code, out, err) == (2, "read.py:1:1: RNN000 cannot decode file as UTF-8 (byte 50)\n"
                                   "Found 0 findings and 1 file that could not be read in 2 files checked.\n", "")
    # stdin: the same line, not a surrogate escape in a traceback
    assert rnnlint("--stdin-filename", "read.py", "-", cwd=tmp_path, stdin=(tmp_path / "read.py").read_bytes()) == (
        2, "read.py:1:1: RNN000 cannot decode file as UTF-8 (byte 50)\n", "")
    assert rnnlint("--stdin-filename", "skipped.py", "-", cwd=tmp_path,
                   stdin=(tmp_path / "skipped.py").read_bytes()) == (0, "", "")
    (tmp_path / "cookie.py").write_bytes(b"# coding: klingon\n" + HEADER.encode())
    code, out, _ = rnnlint("cookie.py", cwd=tmp_path)
    assert (code, out.splitlines()[0]) == (2, "cookie.py:1:1: RNN000 cannot decode file: coding cookie names an "
                                              "unknown encoding: klingon")


def test_exit_zero_is_zero_even_with_an_unreadable_file(tmp_path):
    (tmp_path / "nul.py").write_bytes(HEADER.encode() + b"x = 1\x00\n")
    (tmp_path / "model.py").write_text(BUGGY)
    code, out, _ = rnnlint("--exit-zero", ".", cwd=tmp_path)
    assert code == 0 and "RNN000" in out and "RNN001" in out


def test_empty_file(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    assert rnnlint("empty.py", cwd=tmp_path) == (0, "All checks passed (1 file checked).\n", "")


@pytest.mark.slow
def test_fifty_thousand_lines(tmp_path):
    filler = "".join(f"value_{index} = {index}\n" for index in range(50_000))
    (tmp_path / "big.py").write_text(filler + BUGGY)
    code, out, err = rnnlint("big.py", cwd=tmp_path)
    assert (code, out.splitlines()[0], err) == (1, f"big.py:{50_019}:19: {FINDING}", "")


def test_directory_named_like_a_python_file_is_walked(tmp_path):
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "model.py").write_text(BUGGY)
    code, out, _ = rnnlint("x.py", cwd=tmp_path)
    assert (code, out.splitlines()[0]) == (1, f"x.py/model.py:19:19: {FINDING}")
    assert rnnlint(".", cwd=tmp_path)[1] == out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_never_opened(tmp_path):
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "d" / "y.py")
    (tmp_path / "d" / "model.py").write_text(BUGGY)
    # in a walk: skipped (before, the walk opened it and waited for a writer forever)
    code, out, err = rnnlint("d", cwd=tmp_path)
    assert (code, out.splitlines()[-1], err) == (1, SUMMARY, "")
    # named explicitly: one line, exit 2 (before: "0 files checked", exit 0)
    assert rnnlint("d/y.py", cwd=tmp_path) == (
        2, "", "rnnlint: error: d/y.py: not a regular file (named pipe); only regular files are read\n")
    assert rnnlint("shapes", "d/y.py", cwd=tmp_path)[0::2] == (
        2, "rnnlint: error: d/y.py: not a regular file (named pipe); only regular files are read\n")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_broken_symlink_and_symlink_loop(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "model.py").write_text(BUGGY)
    os.symlink("missing.py", tmp_path / "d" / "broken.py")
    os.symlink("loop.py", tmp_path / "d" / "loop.py")
    code, out, err = rnnlint("d", cwd=tmp_path)
    assert (code, out.splitlines()[-1], err) == (1, SUMMARY, "")
    assert rnnlint("d/broken.py", cwd=tmp_path) == (2, "", "rnnlint: error: d/broken.py: no such file or directory\n")
    assert rnnlint("d/loop.py", cwd=tmp_path) == \
        (2, "", "rnnlint: error: d/loop.py: too many levels of symbolic links\n")


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux only")
def test_a_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"caf\xe9.py")
    (tmp_path / name).write_text(BUGGY)
    code, out, err = rnnlint(".", cwd=tmp_path)
    assert (code, out.splitlines()[0], err) == (1, f"caf\\udce9.py:19:19: {FINDING}", "")
    code, out, _ = rnnlint("--output-format", "json", ".", cwd=tmp_path)
    assert code == 1 and json.loads(out)[0]["filename"] == name


def test_the_same_path_twice_is_checked_once(tmp_path):
    (tmp_path / "model.py").write_text(BUGGY)
    code, out, _ = rnnlint("model.py", "model.py", "./model.py", cwd=tmp_path)
    assert (code, out) == (1, f"model.py:19:19: {FINDING}\n"
                              "Found 1 finding in 1 file checked. [*] 1 fixable with `--fix`.\n")


def test_a_path_that_does_not_exist(tmp_path):
    assert rnnlint("nothing.py", cwd=tmp_path) == (2, "", "rnnlint: error: nothing.py: no such file or directory\n")


def test_a_file_without_read_permission(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads every file")
    (tmp_path / "secret.py").write_text(BUGGY)
    (tmp_path / "secret.py").chmod(0)
    assert rnnlint("secret.py", cwd=tmp_path)[:2] == (
        2, "secret.py:1:1: RNN000 cannot read file: Permission denied\n"
           "Found 0 findings and 1 file that could not be read in 1 file checked.\n")


def test_stdin_with_a_bom_is_not_a_syntax_error(tmp_path):
    data = b"\xef\xbb\xbf" + HEADER.encode() + b"bad = nn.LSTM(8, 16, dropout=0.5)\n"
    code, out, err = rnnlint("--stdin-filename", "m.py", "-", cwd=tmp_path, stdin=data)
    assert (code, err) == (1, "") and out.startswith("m.py:3:7: RNN009")


def test_fix_keeps_the_encoding_the_bom_and_the_line_endings(tmp_path):
    fixed = (ROOT / "examples/rnn001_head_features_mismatch/fixed.py").read_text()
    assert fixed != BUGGY
    for name, encode in (("bom.py", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
                         ("latin.py", lambda text: b"# coding: latin-1\n" + text.replace("Sentence", "S\xe9ntence")
                          .encode("latin-1"))):
        (tmp_path / name).write_bytes(encode(BUGGY))
        code, _, err = rnnlint("--fix", name, cwd=tmp_path)
        assert (code, err) == (0, "")
        assert (tmp_path / name).read_bytes() == encode(_fixed_text(BUGGY))


def _fixed_text(source: str) -> str:
    return source.replace("nn.Linear(hidden_size, n_classes)", "nn.Linear(2 * hidden_size, n_classes)")


def test_fixed_text_helper_matches_the_example():
    from rnnlint._config import Config
    from rnnlint._engine import check_source

    assert check_source(BUGGY, "m.py", Config(), fix=True).fixed_source == _fixed_text(BUGGY)


def test_unreadable_cache_folder_is_a_warning(tmp_path):
    (tmp_path / "model.py").write_text(BUGGY)
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--cache-dir", "cache", "model.py"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("rnnlint: warning: cannot write the cache in ")
    assert result.stderr.endswith("results are not cached\n") and len(result.stderr.splitlines()) == 1


def _notebook(cells) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


@pytest.mark.parametrize("name, cells", [
    ("no_cells", []),
    ("markdown_only", [{"cell_type": "markdown", "metadata": {}, "source": ["# Notes\n", "no code here"]}]),
    ("raw_and_empty_code", [{"cell_type": "raw", "metadata": {}, "source": "x"},
                            {"cell_type": "code", "metadata": {}, "source": [], "outputs": [],
                             "execution_count": None}]),
])
def test_a_notebook_without_code_is_a_normal_result(tmp_path, name, cells):
    (tmp_path / f"{name}.ipynb").write_text(_notebook(cells))
    assert rnnlint(f"{name}.ipynb", cwd=tmp_path) == (0, "All checks passed (1 file checked).\n", "")
    assert rnnlint("shapes", f"{name}.ipynb", cwd=tmp_path) == (0, f"{name}.ipynb: no nn.Module classes found\n", "")


def test_a_file_holding_only_a_bom_is_an_empty_file(tmp_path):
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf")
    assert rnnlint("bom.py", cwd=tmp_path) == (0, "All checks passed (1 file checked).\n", "")
    assert rnnlint("shapes", "bom.py", cwd=tmp_path) == (0, "bom.py: no nn.Module classes found\n", "")


def test_a_folder_named_like_a_notebook_is_walked(tmp_path):
    (tmp_path / "x.ipynb").mkdir()
    (tmp_path / "x.ipynb" / "model.py").write_text(BUGGY)
    code, out, _ = rnnlint("x.ipynb", cwd=tmp_path)
    assert (code, out.splitlines()[0]) == (1, f"x.ipynb/model.py:19:19: {FINDING}")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_shapes_on_odd_inputs_is_one_line(tmp_path):
    os.symlink("loop_b", tmp_path / "loop_a")
    os.symlink("loop_a", tmp_path / "loop_b")
    (tmp_path / "bad.ipynb").write_text("{not json")
    (tmp_path / "nul.py").write_bytes(HEADER.encode() + b"x = 1\x00\n")
    for name, message in (
            ("loop_a", "loop_a: too many levels of symbolic links"),
            ("bad.ipynb", "bad.ipynb: not a valid notebook: invalid JSON: Expecting property name enclosed in "
                          "double quotes: line 1 column 2 (char 1)")):
        assert rnnlint("shapes", name, cwd=tmp_path) == (2, "", f"rnnlint: error: {message}\n"), name
    code, out, err = rnnlint("shapes", "nul.py", cwd=tmp_path)
    assert (code, out, err.count("\n")) == (2, "", 1) and err.startswith("rnnlint: error: nul.py: ")


def test_a_deep_nest_of_loops_is_no_hang(tmp_path):
    # each loop runs three passes: twelve nested loops took minutes before loops deep in a nest
    # ran one pass; the finding inside is still reported
    depth = 12
    loops = "".join("    " * level + f"for v{level} in range(3):\n" for level in range(depth))
    body = "    " * depth
    (tmp_path / "deep.py").write_text(
        "import torch\nimport torch.nn as nn\nrnn = nn.LSTM(8, 16)\nhead = nn.Linear(8, 3)\n" + loops
        + f"{body}out, _ = rnn(torch.randn(3, 2, 8))\n{body}y = head(out[-1])\n")
    code, out, err = rnnlint("deep.py", cwd=tmp_path)
    assert (code, out.splitlines()[0].split(" RNN")[0], err) == (1, "deep.py:4:8:", "")
    assert " RNN001 " in out


def test_many_independent_conditions_on_one_size_are_no_hang(tmp_path):
    # each `if flag: hidden += n` doubles the cases of `hidden`: fourteen of them took minutes
    # before a value of too many cases became unknown (then silent, as any unknown)
    flags = [f"use_{index}" for index in range(14)]
    updates = "".join(f"        if {flag}:\n            hidden = hidden + {index + 1}\n"
                      for index, flag in enumerate(flags))
    (tmp_path / "flags.py").write_text(
        "import torch.nn as nn\n\n\nclass Model(nn.Module):\n"
        f"    def __init__(self, {', '.join(flags)}):\n        super().__init__()\n        hidden = 4\n{updates}"
        "        self.rnn = nn.GRU(8, hidden, bidirectional=use_0)\n        self.fc = nn.Linear(hidden, 2)\n\n"
        "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out[-1])\n")
    assert rnnlint("flags.py", cwd=tmp_path) == (0, "All checks passed (1 file checked).\n", "")
