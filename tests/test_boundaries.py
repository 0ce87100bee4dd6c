"""Import boundaries: the linter needs only the standard library, the runtime side no static analysis.

Each check runs in a fresh interpreter; a companion test proves the check can fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

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
    names = ("torch", "libcst", "rnnlint._analysis")
    script = code + f"\nimport json, sys\nprint(json.dumps({{name: name in sys.modules for name in {names!r}}}))"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_import_rnnlint_loads_no_torch():
    assert _loaded_after("import rnnlint")["torch"] is False


@pytest.mark.slow
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


@pytest.mark.slow
def test_runtime_loads_no_static_analysis():
    assert _loaded_after("import rnnlint.runtime")["rnnlint._analysis"] is False


@pytest.mark.slow
def test_the_static_analysis_check_can_fail():
    assert _loaded_after("import rnnlint.runtime\nimport rnnlint._analysis")["rnnlint._analysis"] is True


def test_linting_fixing_and_shapes_need_only_the_standard_library(tmp_path):
    import shutil

    copy = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", copy)
    blocked = BLOCK_TORCH.replace('name == "torch" or name.startswith("torch.")',
                                  'name.split(".")[0] in ("torch", "libcst", "jaxtyping", "beartype")')
    code = blocked + textwrap.dedent(
        f"""
        from rnnlint.cli import main
        assert main(["--no-cache", "--quiet", {str(copy)!r}]) == 1
        assert main(["--no-cache", "--quiet", "--fix", "--unsafe-fixes", {str(copy)!r}]) in (0, 1)
        assert main(["shapes", {str(copy / "rnn001_head_features_mismatch" / "buggy.py")!r}]) == 0
        """
    )
    loaded = _loaded_after(code)
    assert not loaded["torch"] and not loaded["libcst"]
    fixed = (copy / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    assert "nn.Linear(2 * hidden_size, n_classes)" in fixed


def test_blocking_libcst_really_blocks_it():
    blocked = BLOCK_TORCH.replace('name == "torch" or name.startswith("torch.")', 'name == "libcst"')
    completed = subprocess.run([sys.executable, "-c", blocked + "import libcst\n"], capture_output=True, text=True,
                               cwd=ROOT, timeout=120)
    assert completed.returncode != 0 and "not installed" in completed.stderr
