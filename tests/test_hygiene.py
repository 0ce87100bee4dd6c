"""rnnlint's own code passes its own linters: `ruff check .` and `mypy`, with the settings in
pyproject.toml and the versions the dev extra pins. Neither writes a cache into the checkout."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "--quiet", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing(tmp_path):
    result = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_check_can_fail(tmp_path):
    # the same commands on a file with a finding of each kind: they do report it
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("import os\n\n\ndef half(n: int) -> str:\n    return n / 2\n")
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "bad.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert ruff.returncode == 1 and "F401" in ruff.stdout, ruff.stdout + ruff.stderr
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "bad.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert mypy.returncode == 1 and "[return-value]" in mypy.stdout, mypy.stdout + mypy.stderr
