"""The command line as a user meets it: exit codes, formats, bad input, selection."""

from __future__ import annotations

import json

from conftest import ROOT, run_rnnlint

BUGGY_HEAD = ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py"
FIXED_HEAD = ROOT / "examples" / "rnn001_head_features_mismatch" / "fixed.py"


def test_clean_file_exits_zero():
    result = run_rnnlint("--no-cache", FIXED_HEAD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_findings_exit_one_with_one_line_each():
    result = run_rnnlint("--no-cache", BUGGY_HEAD)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if ": RNN" in line]
    assert len(lines) == 1
    path, row, column, rest = lines[0].split(":", 3)
    assert path.endswith("buggy.py") and row == "19" and column == "19"
    assert rest.strip().startswith("RNN001")


def test_check_subcommand_is_the_default():
    assert run_rnnlint("check", "--no-cache", BUGGY_HEAD).stdout == run_rnnlint("--no-cache", BUGGY_HEAD).stdout


def test_missing_path_is_a_usage_error():
    result = run_rnnlint("--no-cache", "does/not/exist.py")
    assert result.returncode == 2
    assert result.stderr.strip() == "rnnlint: error: does/not/exist.py: no such file or directory"
    assert "Traceback" not in result.stderr


def test_unknown_option_and_code_are_one_line_errors():
    result = run_rnnlint("--frobnicate", BUGGY_HEAD)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    result = run_rnnlint("--select", "RNN999", BUGGY_HEAD)
    assert result.returncode == 2
    assert "unknown code RNN999" in result.stderr


def test_syntax_error_and_undecodable_file_are_reported_and_others_still_checked(tmp_path):
    (tmp_path / "broken.py").write_text("import torch.nn as nn\nclass M(nn.Module:\n    lstm = nn.LSTM(2, 4)\n")
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\nimport torch.nn as nn\nrnn = nn.LSTM(2, 4)\n")
    (tmp_path / "skipped.py").write_bytes(b"# LSTM caf\xe9\nx = 1\n")  # names no torch module: not read
    (tmp_path / "model.py").write_text(BUGGY_HEAD.read_text())
    result = run_rnnlint("--no-cache", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    codes = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if ": RNN" in line}
    assert codes == {"RNN000", "RNN001"}
    assert "broken.py:2:" in result.stdout
    assert "latin.py:1:1: RNN000 cannot decode file as UTF-8 (byte 5)" in result.stdout
    assert "skipped.py" not in result.stdout


def test_json_output_uses_ruff_field_names():
    result = run_rnnlint("--no-cache", "--output-format", "json", BUGGY_HEAD)
    assert result.returncode == 1
    (item,) = json.loads(result.stdout)
    assert item["code"] == "RNN001"
    assert item["location"] == {"row": 19, "column": 19}
    assert set(item) >= {"code", "message", "filename", "location", "end_location", "fix", "url"}
    assert item["fix"]["applicability"] == "safe"
    assert item["fix"]["edits"][0]["content"] == "2 * hidden_size"


def test_github_output_is_an_annotation():
    result = run_rnnlint("--no-cache", "--output-format", "github", BUGGY_HEAD)
    assert result.stdout.startswith("::error title=rnnlint (RNN001),file=")
    assert ",line=19,col=19," in result.stdout


def test_select_and_ignore_by_code_and_prefix():
    folder = ROOT / "examples"
    everything = run_rnnlint("--no-cache", "--quiet", folder).stdout
    only_one = run_rnnlint("--no-cache", "--quiet", "--select", "RNN001", folder).stdout
    without_one = run_rnnlint("--no-cache", "--quiet", "--ignore", "RNN001", folder).stdout
    assert "RNN001" in everything and "RNN001" in only_one and "RNN001" not in without_one
    assert {line.split(": ")[1][:6] for line in only_one.splitlines()} == {"RNN001"}
    assert run_rnnlint("--no-cache", "--quiet", "--select", "RNN00", folder).stdout.count("RNN001") == 1


def test_noqa_suppresses_a_finding(tmp_path):
    source = BUGGY_HEAD.read_text().replace("# expect: RNN001", "# noqa: RNN001")
    target = tmp_path / "model.py"
    target.write_text(source)
    assert run_rnnlint("--no-cache", target).returncode == 0
    target.write_text(source.replace("# noqa: RNN001", "# noqa: RNN008"))
    assert run_rnnlint("--no-cache", target).returncode == 1


def test_bad_pyproject_is_a_one_line_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nselect = ['RNN999']\n")
    (tmp_path / "model.py").write_text(BUGGY_HEAD.read_text())
    result = run_rnnlint("--no-cache", tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "rnnlint: error: pyproject.toml: [tool.rnnlint] select: unknown code RNN999"
    # every error names the file as the current folder sees it, a TOML error too
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint\n")
    result = run_rnnlint("--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("rnnlint: error: pyproject.toml: invalid TOML: ")
    assert result.stderr.count("\n") == 1
    (tmp_path / "pyproject.toml").write_text("[tool]\nrnnlint = 5\n")
    result = run_rnnlint("--no-cache", ".", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "rnnlint: error: pyproject.toml: [tool.rnnlint] must be a table\n")
    # named with --config, a pyproject.toml whose `tool` is no table is the same error, not a traceback
    (tmp_path / "pyproject.toml").write_text("tool = 5\n")
    result = run_rnnlint("--no-cache", "--config", "pyproject.toml", ".", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "rnnlint: error: pyproject.toml: [tool.rnnlint] must be a table\n")


def test_pyproject_ignore_is_applied(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nignore = ['RNN001']\n")
    (tmp_path / "model.py").write_text(BUGGY_HEAD.read_text())
    assert run_rnnlint("--no-cache", tmp_path).returncode == 0


def test_the_linter_never_executes_the_code_it_reads(tmp_path):
    marker = tmp_path / "executed.marker"
    model = tmp_path / "model.py"
    model.write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
        "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.lstm = nn.LSTM(4, 8)\n"
    )
    run_rnnlint("--no-cache", model)
    run_rnnlint("shapes", model)
    assert not marker.exists()
    # the sentinel works: importing the file does create it
    import runpy

    runpy.run_path(str(model))
    assert marker.exists()


def test_hidden_and_virtualenv_folders_are_skipped(tmp_path):
    for folder in (".hidden", "env_dir", "__pycache__"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "model.py").write_text(BUGGY_HEAD.read_text())
    (tmp_path / "env_dir" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run_rnnlint("--no-cache", tmp_path)
    assert result.returncode == 0, result.stdout


def test_stdin_with_filename():
    result = run_rnnlint("-", "--stdin-filename", "model.py", stdin=BUGGY_HEAD.read_text())
    assert result.returncode == 1
    assert result.stdout.startswith("model.py:19:19: RNN001")


def test_null_bytes_and_absurd_nesting_are_one_line_parse_errors(tmp_path):
    header = "import torch.nn as nn\nm = nn.LSTM(1, 2)\n"
    (tmp_path / "nul.py").write_text(header + "x = 1\x00\n")
    (tmp_path / "parens.py").write_text(header + "x = " + "(" * 300 + "1" + ")" * 300 + "\n")
    (tmp_path / "unary.py").write_text(header + "x = " + "-" * 20000 + "1\n")
    result = run_rnnlint("--no-cache", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = sorted(line for line in result.stdout.splitlines() if ": RNN000 " in line)
    assert len(lines) == 3, result.stdout
    assert "null bytes" in lines[0]
    assert lines[1].startswith(str(tmp_path / "parens.py") + ":3:") and "nested parentheses" in lines[1]
    assert "nesting too deep" in lines[2]
