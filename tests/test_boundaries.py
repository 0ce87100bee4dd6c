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


def _modules_after_a_check(folder, source: str) -> set:
    (folder / "model.py").write_text(source)
    script = ("import sys\nfrom rnnlint.cli import main\nstatus = main(['--no-cache', '-q', 'model.py'])\n"
              "print(' '.join(sorted(name for name in sys.modules if name.startswith(('rnnlint', 'toml')))))")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=folder, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return set(completed.stdout.split())


def test_a_file_without_recurrent_code_loads_no_analysis_rules_or_toml_parser(tmp_path):
    # what keeps startup on such a file near the interpreter's own (about 50 ms, under 100)
    loaded = _modules_after_a_check(tmp_path, "import os\n\n\ndef f(x):\n    return x + 1\n")
    assert not {name for name in loaded if name.startswith(("rnnlint._analysis", "rnnlint.rules", "toml"))}
    assert "rnnlint.cli" in loaded


def test_the_startup_check_can_fail(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\n")
    loaded = _modules_after_a_check(tmp_path, "import torch.nn as nn\nrnn = nn.GRU(8, 16)\n")
    assert {"rnnlint._analysis", "rnnlint.rules"} <= loaded and loaded & {"tomllib", "tomli"}
