"""Shared helpers for the test suite."""

from __future__ import annotations

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
