"""Adapters: flake8 plugin, pre-commit hook. Each reports the same findings at the same columns."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, run_rnnlint

EXAMPLES = ROOT / "examples"


def _cli_findings(path) -> set:
    result = run_rnnlint("--no-cache", "--output-format", "json", path)
    return {(item["filename"], item["location"]["row"], item["location"]["column"], item["code"])
            for item in json.loads(result.stdout)}


def _flake8(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "RNN", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.slow  # flake8 loads every installed plugin: seconds a run
def test_flake8_reports_the_same_findings_at_the_same_columns():
    result = _flake8(EXAMPLES)
    assert result.returncode == 1, result.stderr
    flake8 = set()
    for line in result.stdout.splitlines():
        path, row, column, rest = line.split(":", 3)
        flake8.add((path, int(row), int(column), rest.split()[0]))
    assert flake8 == _cli_findings(EXAMPLES)
    assert flake8


@pytest.mark.slow  # flake8 loads every installed plugin: seconds a run
def test_flake8_honours_noqa(tmp_path):
    source = (EXAMPLES / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    model = tmp_path / "model.py"
    model.write_text(source.replace("# expect: RNN001", "# noqa: RNN001"))
    assert _flake8(model).stdout == ""
    model.write_text(source)
    assert "RNN001" in _flake8(model).stdout


@pytest.mark.slow  # flake8 loads every installed plugin: seconds a run
def test_flake8_is_clean_on_a_fixed_example():
    result = _flake8(EXAMPLES / "rnn001_head_features_mismatch" / "fixed.py")
    assert result.returncode == 0 and result.stdout == ""


def test_pre_commit_hook_entry_points_at_the_cli():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: rnnlint" in text and "entry: rnnlint" in text
    # the hook's entry is a real command: pre-commit passes file names after it
    entry = next(line.split("entry:", 1)[1].split() for line in text.splitlines() if "entry:" in line)
    result = run_rnnlint(*entry[1:], EXAMPLES / "rnn001_head_features_mismatch" / "buggy.py")
    assert result.returncode == 1 and "RNN001" in result.stdout


def test_pre_commit_hooks_leave_out_what_the_project_excludes(tmp_path):
    # pre-commit names every staged file: an excluded or gitignored one must pass unchecked,
    # as ruff's hooks do with --force-exclude
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    entries = [line.split("entry:", 1)[1].split() for line in text.splitlines() if "entry:" in line]
    assert len(entries) == 2 and all("--force-exclude" in entry for entry in entries)
    buggy = (EXAMPLES / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nextend-exclude = ["generated"]\n')
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "model.py").write_text(buggy)
    (tmp_path / "model.py").write_text(buggy)
    for entry in entries:
        result = subprocess.run([sys.executable, "-m", "rnnlint", *entry[1:], "generated/model.py"],
                                capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert (result.returncode, result.stdout, result.stderr) == (
            0, "", "rnnlint: warning: No Python files found\n")
    result = subprocess.run([sys.executable, "-m", "rnnlint", *entries[0][1:], "generated/model.py", "model.py"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 1 and result.stdout.startswith("model.py:19:19: RNN001 ")


@pytest.mark.slow  # flake8 loads every installed plugin: seconds a run
def test_flake8_selects_the_rules_the_configuration_file_selects_as_the_cli_does(tmp_path):
    # the project turns RNN001 off; flake8's own --select RNN comes on top of that selection
    for name in ("rnn001_head_features_mismatch", "rnn008_input_size_mismatch"):
        (tmp_path / f"{name}.py").write_text((EXAMPLES / name / "buggy.py").read_text())
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nignore = ["RNN001"]\n')
    result = _flake8(".", cwd=tmp_path)
    flake8 = set()
    for line in result.stdout.splitlines():
        path, row, column, rest = line.split(":", 3)
        flake8.add((path.removeprefix("./"), int(row), int(column), rest.split()[0]))
    cli = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json", "."],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    expected = {(item["filename"], item["location"]["row"], item["location"]["column"], item["code"])
                for item in json.loads(cli.stdout)}
    assert flake8 == expected
    assert {code for *_, code in flake8} == {"RNN008"}
    # a bad configuration file is one RNN000 line per file, never a silent pass
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nignore = ["RNN999"]\n')
    broken = _flake8("rnn008_input_size_mismatch.py", cwd=tmp_path)
    assert broken.returncode == 1 and broken.stdout.count("RNN000") == 1, broken.stdout + broken.stderr
    assert "pyproject.toml: [tool.rnnlint] ignore: unknown code RNN999" in broken.stdout


@pytest.mark.slow  # flake8 loads every installed plugin: seconds a run
def test_flake8_follows_imports_across_the_project_as_the_cli_does(tmp_path):
    # the head is sized in one file, the bidirectional LSTM built in its base class in another
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text(
        "import torch.nn as nn\n\n\nclass Encoder(nn.Module):\n    def __init__(self, hidden_size):\n"
        "        super().__init__()\n"
        "        self.lstm = nn.LSTM(8, hidden_size, batch_first=True, bidirectional=True)\n")
    (tmp_path / "pkg" / "classifier.py").write_text(
        "import torch.nn as nn\n\nfrom pkg.base import Encoder\n\n\nclass Classifier(Encoder):\n"
        "    def __init__(self, hidden_size):\n        super().__init__(hidden_size)\n"
        "        self.fc = nn.Linear(hidden_size, 3)\n\n    def forward(self, x):\n        out, _ = self.lstm(x)\n"
        "        return self.fc(out[:, -1])\n")
    result = _flake8("pkg", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (
        1, "pkg/classifier.py:9:19: RNN001 `self.fc` takes `hidden_size` input features, but receives `2*hidden_size` "
           "from bidirectional `self.lstm`\n")
    cli = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "pylint", "pkg"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert cli.stdout == result.stdout.replace(":9:19: RNN001", ":9: [RNN001]")
