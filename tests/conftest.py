"""Shared helpers for the test suite."""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Hypothesis keeps its example database and its cache of constants in `.hypothesis/` under the
# folder pytest runs in; the test run must leave the checkout as it found it, so they go elsewhere.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY",
    str(Path(os.environ.get("TMPDIR", "/tmp")) / f"rnnlint-tests-hypothesis-{os.getuid()}"),
)
# `# expect: RNN001` marks a finding on its line; `# expect: RNN001:19` also its column, 1-based as
# rnnlint prints it; several findings are separated by commas: `# expect: RNN011:39, RNN011:52`
EXPECT = re.compile(r"#\s*expect:\s*(RNN\d{3}(?::\d+)?(?:\s*,\s*RNN\d{3}(?::\d+)?)*)")
MARKER = re.compile(r"[ \t]*#\s*expect:.*$", re.MULTILINE)


def expected_positions(source: str) -> list:
    """``(row, column or None, code)`` for every finding the ``# expect:`` comments in ``source`` mark."""
    found = []
    for row, line in enumerate(source.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for item in match.group(1).split(","):
                code, _, column = item.strip().partition(":")
                found.append((row, int(column) if column else None, code))
    return sorted(found, key=lambda item: (item[0], item[1] or 0, item[2]))


def expected_markers(source: str) -> list:
    """``(row, code)`` for every finding the ``# expect:`` comments in ``source`` mark."""
    return sorted((row, code) for row, _, code in expected_positions(source))


def without_markers(source: str) -> str:
    """``source`` with its ``# expect:`` comments taken out; no row or column moves."""
    return MARKER.sub("", source)


def write_project(root: Path, files: dict) -> Path:
    """Write ``files`` (relative path -> dedented text) under ``root``, folders included."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def run_program(tmp_path: Path, source: str, raises: tuple | None = None) -> None:
    """Run ``source`` as a script with real torch, its warnings silenced: it must raise
    ``raises`` (an exception type and a pattern its message matches), or run through when
    ``raises`` is None. Skipped where torch is not installed."""
    import runpy
    import warnings

    pytest.importorskip("torch")
    script = tmp_path / "program.py"
    script.write_text(source, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if raises is None:
            runpy.run_path(str(script))
        else:
            with pytest.raises(raises[0], match=raises[1]):
                runpy.run_path(str(script))


def found_by_file(findings) -> list:
    """``(file name, row, code)`` of each finding, sorted."""
    return sorted((Path(finding.path).name, finding.row, finding.code) for finding in findings)


@pytest.fixture
def fresh_projects():
    """No project model is kept from another test, nor left to the next one."""
    from rnnlint._project import forget_projects

    forget_projects()
    yield
    forget_projects()


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
