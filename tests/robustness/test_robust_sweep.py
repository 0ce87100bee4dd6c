"""Every ``.py`` of the installed torch package and of the standard library: no internal error,
no traceback, and valid JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest


def _folders() -> list:
    folders = [pytest.param(Path(sysconfig.get_paths()["stdlib"]), id="stdlib")]
    try:
        import importlib.util

        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        folders.append(pytest.param(Path(spec.origin).parent, id="torch"))
    return folders


@pytest.mark.slow
@pytest.mark.parametrize("folder", _folders())
def test_a_whole_package_gives_no_internal_error_and_valid_json(folder, tmp_path):
    count = sum(1 for _ in folder.rglob("*.py"))
    assert count > 500, folder
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--output-format", "json", "--cache-dir",
                             str(tmp_path / "cache"), str(folder)], capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "internal error" not in result.stderr and "could not be analysed" not in result.stderr, result.stderr[-2000:]
    findings = json.loads(result.stdout)
    assert isinstance(findings, list)
    assert result.returncode == (1 if any(item["code"] != "RNN000" for item in findings) else
                                 2 if findings else 0)
    for item in findings:
        assert Path(item["filename"]).is_file() and item["location"]["row"] >= 1


@pytest.mark.slow
def test_every_file_of_the_standard_library_analysed_without_the_prefilter():
    """The prefilter keeps most files from the analysis: here every file goes through it."""
    from rnnlint._config import Config
    from rnnlint._engine import check_source
    from rnnlint._reading import read_file

    root = Path(sysconfig.get_paths()["stdlib"])
    checked, errors = 0, []
    # every third top-level module and the json package: the whole library takes minutes
    for path in sorted(root.glob("*.py"))[::3] + sorted((root / "json").glob("*.py")):
        text, _, _ = read_file(path, prefilter=False)
        if text is None:
            continue
        checked += 1
        errors.extend(check_source(text, str(path), Config(), prefilter=False).errors)
    assert checked > 60 and errors == []
