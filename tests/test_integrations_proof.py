"""The integrations run for real: ``pre-commit try-repo`` on a throwaway git repository, and
flake8 against the command line on every file of ``examples/``, finding for finding.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_rnnlint

EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*/*.py"))
# what a pip install of the hook repository needs; nothing else of the checkout
HOOK_REPOSITORY_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "rnnlint", "plugins")


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=rnnlint", "-c", "user.email=rnnlint@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def _hook_repository(folder: Path) -> Path:
    """A git repository holding this checkout's package and hook definition, as committed."""
    folder.mkdir()
    for name in HOOK_REPOSITORY_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    _git("init", "-q", cwd=folder)
    _git("add", "-A", cwd=folder)
    _git("commit", "-q", "-m", "hooks", cwd=folder)
    return folder


def _try_repo(hooks: Path, project: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    # a torch that cannot be resolved: installing the hook would fail if it asked for torch
    constraints = tmp_path / "no-torch.txt"
    constraints.write_text("torch===not-installable\n")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
                   "PIP_CONSTRAINT": str(constraints), "TMPDIR": str(tmp_path),
                   "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "rnnlint", "--all-files"],
                          cwd=project, env=environment, capture_output=True, text=True, timeout=600)


@pytest.mark.slow  # pre-commit builds and installs the hook's environment: tens of seconds a run
def test_pre_commit_try_repo_fails_on_a_buggy_model_and_passes_on_the_fixed_one(tmp_path):
    assert (ROOT / ".pre-commit-hooks.yaml").is_file()
    hooks = _hook_repository(tmp_path / "hooks")
    project = tmp_path / "project"
    project.mkdir()
    _git("init", "-q", cwd=project)
    example = EXAMPLES / "rnn002_hidden_state_into_head"
    (project / "model.py").write_text((example / "buggy.py").read_text())
    _git("add", "-A", cwd=project)
    buggy = _try_repo(hooks, project, tmp_path)
    assert buggy.returncode == 1, buggy.stdout + buggy.stderr
    assert "rnnlint" in buggy.stdout and "Failed" in buggy.stdout
    assert "model.py:20:16: RNN002 " in buggy.stdout
    assert "Found 1 finding in 1 file checked." in buggy.stdout

    (project / "model.py").write_text((example / "fixed.py").read_text())
    _git("add", "-A", cwd=project)
    fixed = _try_repo(hooks, project, tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout and "RNN" not in fixed.stdout


def _cli(path: Path) -> list:
    result = run_rnnlint("--no-cache", "--output-format", "json", path)
    assert result.returncode in (0, 1), result.stderr
    return sorted((item["location"]["row"], item["location"]["column"], item["code"])
                  for item in json.loads(result.stdout))


def _flake8_all(paths: list) -> dict:
    result = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "RNN",
                             "--format", "%(path)s\t%(row)d\t%(col)d\t%(code)s", *map(str, paths)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    found: dict = {path: [] for path in paths}
    for line in result.stdout.splitlines():
        path, row, column, code = line.split("\t")
        found[Path(path) if Path(path).is_absolute() else ROOT / path].append((int(row), int(column), code))
    return {path: sorted(items) for path, items in found.items()}


@pytest.mark.slow  # flake8 loads every installed plugin: seconds a run
def test_flake8_and_the_command_line_agree_on_every_finding_of_every_example():
    flake8 = _flake8_all(EXAMPLE_FILES)
    for path in EXAMPLE_FILES:
        assert flake8[path] == _cli(path), path.relative_to(ROOT)
    # the comparison is not vacuous: every buggy example has findings, every fixed one none
    assert all(flake8[path] for path in EXAMPLE_FILES if path.name == "buggy.py")
    assert not any(flake8[path] for path in EXAMPLE_FILES if path.name == "fixed.py")
    assert len(EXAMPLE_FILES) >= 22
