"""Shared helpers for the test suite."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPECT = re.compile(r"#\s*expect:\s*(RNN\d{3}(?:\s*,\s*RNN\d{3})*)")


def expected_markers(source: str) -> list:
    """``(row, code)`` for every ``# expect: CODE`` comment in ``source``."""
    found = []
    for row, line in enumerate(source.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found.extend((row, code.strip()) for code in match.group(1).split(","))
    return sorted(found)


def run_rnnlint(*args, cwd=None, stdin=None):
    return subprocess.run([sys.executable, "-m", "rnnlint", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, input=stdin, timeout=120)


@pytest.fixture
def rnnlint_cli():
    return run_rnnlint


def bench_package(name: str):
    """One of bench/'s packages (``mutants``, ``synthetic``): bench/ is a folder of scripts, not a package."""
    folder = str(ROOT / "bench")
    if folder not in sys.path:
        sys.path.append(folder)
    return importlib.import_module(name)


def checkout_files(root: Path, git: str = "git") -> frozenset:
    """Every file in the checkout that git does not track unchanged, one entry each (ignored ones
    too); Python's own bytecode aside. Without git (or outside a repository): every file's path."""
    try:
        completed = subprocess.run([git, "status", "--porcelain", "-z", "--ignored", "--untracked-files=all"],
                                   cwd=root, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        completed = None
    if completed is not None and completed.returncode == 0:
        entries = [entry for entry in completed.stdout.decode("utf-8", "replace").split("\0") if entry]
    else:
        entries = []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [name for name in subfolders if name != ".git"]
            entries.extend(os.path.relpath(os.path.join(folder, name), root) for name in files)
    return frozenset(entry for entry in entries
                     if "__pycache__" not in Path(entry).parts and not entry.endswith((".pyc", ".pyo")))


@pytest.fixture(scope="session", autouse=True)
def checkout_stays_clean():
    """Fails the run if the tests leave a file in the checkout (a cache, a mutant, an output):
    they write under tmp_path only."""
    before = checkout_files(ROOT)
    yield
    gained = sorted(checkout_files(ROOT) - before)
    if gained:
        pytest.fail("the test run left files in the checkout:\n  " + "\n  ".join(gained), pytrace=False)
