"""Import boundaries: the linter needs no torch, the runtime side needs no libcst.

Each check runs in a fresh interpreter; a companion test proves the check can fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from conftest import ROOT

BLOCK_TORCH = textwrap.dedent(
    """
    import sys
    class _NoTorch:
        def find_spec(self, name, path=None, target=None):
            if name == "torch" or name.startswith("torch."):
                raise ImportError("torch is not installed on this machine")
    sys.meta_path.insert(0, _NoTorch())
    """
)


def _loaded_after(code: str) -> dict:
    script = code + "\nimport json, sys\nprint(json.dumps({name: name in sys.modules for name in ('torch', 'libcst')}))"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_import_rnnlint_loads_no_torch():
    assert _loaded_after("import rnnlint")["torch"] is False


def test_the_torch_check_can_fail():
    assert _loaded_after("import rnnlint\nimport torch")["torch"] is True


def test_plugins_load_no_torch():
    assert _loaded_after("import flake8_rnnlint")["torch"] is False
    assert _loaded_after("import pytest_rnnlint")["torch"] is False


def test_linting_works_where_torch_cannot_be_imported():
    code = BLOCK_TORCH + textwrap.dedent(
        """
        from rnnlint.cli import main
        status = main(["--no-cache", "--quiet", "examples/rnn008_input_size_mismatch"])
        assert status == 1, status
        """
    )
    assert _loaded_after(code)["torch"] is False


def test_blocking_torch_really_blocks_it():
    completed = subprocess.run([sys.executable, "-c", BLOCK_TORCH + "import torch"], capture_output=True, text=True)
    assert completed.returncode != 0
    assert "torch is not installed" in completed.stderr


def test_runtime_loads_no_libcst():
    assert _loaded_after("import rnnlint.runtime")["libcst"] is False


def test_the_libcst_check_can_fail():
    assert _loaded_after("import rnnlint.runtime\nimport libcst")["libcst"] is True


def test_linting_a_file_without_recurrent_modules_does_not_import_libcst(tmp_path):
    plain = tmp_path / "plain.py"
    plain.write_text("def add(a, b):\n    return a + b\n")
    code = f"from rnnlint.cli import main\nassert main(['--no-cache', '--quiet', {str(plain)!r}]) == 0"
    assert _loaded_after(code)["libcst"] is False
