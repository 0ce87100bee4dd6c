"""Shared helpers for the test suite."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def project_on_path(root: Path):
    """Import a corpus project's modules: `root` (and `root/src`) first on `sys.path`, any loaded
    module that one of the project's own would shadow set aside, and everything undone after, so
    that one project's `model` or `config` never stands in for another's."""
    roots = [root / "src", root] if (root / "src").is_dir() else [root]
    own = {path.stem if path.is_file() else path.name for folder in roots for path in folder.iterdir()
           if path.suffix == ".py" or path.is_dir()}
    shadowed = {name: module for name, module in sys.modules.items() if name.split(".")[0] in own}
    for name in shadowed:
        del sys.modules[name]
    before = set(sys.modules)
    sys.path[:0] = [str(folder) for folder in roots]
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # leave no __pycache__
    try:
        yield
    finally:
        sys.dont_write_bytecode = writes_bytecode
        for folder in roots:
            sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            del sys.modules[name]
        sys.modules.update(shadowed)
