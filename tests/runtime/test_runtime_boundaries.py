"""Import boundaries, each in a fresh interpreter: the runtime side never loads the static
analysis and the pytest plugin loads no torch until a test asks for it. A control run proves the probe can fail.
"""

import subprocess
import sys

import pytest


def modules_loaded_by(statement):
    probe = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               check=True)
    return set(completed.stdout.split())


@pytest.mark.parametrize(("statement", "forbidden"), [
    pytest.param("import rnnlint.runtime", "rnnlint._analysis", marks=pytest.mark.slow),
    ("import pytest_rnnlint", "torch"),
    ("import pytest_rnnlint", "jaxtyping"),
])
def test_import_does_not_load(statement, forbidden):
    loaded = modules_loaded_by(statement)
    assert statement.split()[-1] in loaded
    assert forbidden not in loaded


@pytest.mark.slow
def test_probe_sees_a_module_that_is_loaded():
    assert "torch" in modules_loaded_by("import pytest_rnnlint\nimport rnnlint.runtime")
