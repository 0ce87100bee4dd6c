"""The check that keeps the test run from leaving files in the checkout can fail, with git and without."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import checkout_files


def _git_repository(folder):
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True, timeout=60)
    (folder / ".gitignore").write_text(".rnnlint_cache/\n")
    (folder / "model.py").write_text("x = 1\n")
    subprocess.run(["git", "-C", str(folder), "add", "."], check=True, capture_output=True, timeout=60)
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "t"],
                   check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_sees_new_ignored_and_edited_files_but_not_bytecode(tmp_path):
    _git_repository(tmp_path)
    before = checkout_files(tmp_path)
    assert before == frozenset()
    (tmp_path / ".rnnlint_cache" / "ab").mkdir(parents=True)
    (tmp_path / ".rnnlint_cache" / "ab" / "entry.json").write_text("{}")
    (tmp_path / "model.py").write_text("x = 2\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"")
    gained = checkout_files(tmp_path) - before
    assert any(".rnnlint_cache/ab/entry.json" in entry for entry in gained)
    assert any(entry.endswith("model.py") for entry in gained)
    assert not any("__pycache__" in entry for entry in gained)


def test_without_git_every_new_file_is_seen(tmp_path):
    (tmp_path / "model.py").write_text("x = 1\n")
    before = checkout_files(tmp_path, git="no-such-git-program")
    assert before == {"model.py"}
    (tmp_path / ".rnnlint_cache").mkdir()
    (tmp_path / ".rnnlint_cache" / "entry.json").write_text("{}")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"")
    assert checkout_files(tmp_path, git="no-such-git-program") - before == {".rnnlint_cache/entry.json"}
