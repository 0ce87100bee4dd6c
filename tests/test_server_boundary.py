"""The editor server's library stays out of the linter: ``import rnnlint`` and a check load no
pygls; ``rnnlint server`` without the ``lsp`` extra is one clear error. Companion tests prove
the checks can fail."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

BLOCK_PYGLS = textwrap.dedent(
    """
    import sys
    class _NoPygls:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("pygls", "lsprotocol"):
                raise ImportError(f"No module named {name!r}")
    sys.meta_path.insert(0, _NoPygls())
    """
)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def _loaded_after(code: str) -> dict:
    names = ("pygls", "lsprotocol")
    script = code + f"\nimport json, sys\nprint(json.dumps({{name: name in sys.modules for name in {names!r}}}))"
    completed = _run(script)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_import_rnnlint_and_a_check_load_no_pygls():
    code = "import rnnlint, rnnlint.cli\nrnnlint.lint_paths(['tests/notebooks/classifier.ipynb'])"
    assert _loaded_after(code) == {"pygls": False, "lsprotocol": False}


@pytest.mark.slow  # the server's libraries in a fresh interpreter
def test_the_pygls_check_can_fail():
    assert _loaded_after("import rnnlint._server") == {"pygls": True, "lsprotocol": True}


def test_server_without_the_lsp_extra_is_one_clear_error():
    code = BLOCK_PYGLS + "from rnnlint.cli import main\nraise SystemExit(main(['server']))"
    completed = _run(code)
    assert completed.returncode == 2
    assert completed.stderr.startswith("rnnlint: error: rnnlint server needs the lsp extra: pip install 'rnnlint[lsp]'")
    assert "Traceback" not in completed.stderr and len(completed.stderr.splitlines()) == 1
