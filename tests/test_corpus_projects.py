"""Multi-file correct projects: each runs with real torch, and rnnlint reports nothing on it.

Every folder of tests/corpus/projects is a small project whose sizes, flags and layers are set
in other files (configs, argparse, factories, base classes, construction sites). Its `build.py`
provides `build() -> (model, inputs, expected_shape)`; the project's root (and `src/` where
there is one) is put on `sys.path` while it is imported (conftest.project_on_path).
"""
import importlib.util
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from rnnlint import lint_paths

from conftest import project_on_path

PROJECTS_DIR = Path(__file__).parent / "corpus" / "projects"
PROJECTS = sorted(path.parent for path in PROJECTS_DIR.glob("*/build.py"))
PROJECT_FILES = sorted(path for project in PROJECTS for path in project.rglob("*.py"))
MINIMUM_PROJECTS = 15
SINGLE_LAYER_DROPOUT_WARNING = "dropout option adds dropout after all but last recurrent layer"
RECURRENT_NAMES = ("LSTM", "GRU", "RNN")
# Correct code that the analysis misreads today: (file, row, code) of each finding. Each entry
# is a false positive to remove (issue 12); the tests below fail when one disappears as well
# as when a new one appears, so the list cannot go stale.
KNOWN_FALSE_POSITIVES: set = set()


def _relative(path) -> str:
    return Path(path).resolve().relative_to(PROJECTS_DIR.resolve()).as_posix()


def _known(checked: Path) -> list:
    """The known false positives inside `checked`, a project folder or one file."""
    prefix = _relative(checked)
    return sorted(entry for entry in KNOWN_FALSE_POSITIVES
                  if entry[0] == prefix or entry[0].startswith(prefix + "/"))


def run_project(project: Path):
    """Import `build.py` of `project`, build its model and run it once; returns (output, expected, warnings)."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    with project_on_path(project):
        name = f"rnnlint_project_{project.name}_build"
        spec = importlib.util.spec_from_file_location(name, project / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            spec.loader.exec_module(module)
            model, inputs, expected_shape = module.build()
            assert isinstance(inputs, tuple)
            model.eval()
            with torch.no_grad():
                output = model(*inputs)
    if isinstance(output, tuple):
        output = output[0]
    return output, expected_shape, [str(warning.message) for warning in caught]


def test_there_are_enough_projects():
    assert len(PROJECTS) >= MINIMUM_PROJECTS
    # a project is several files, and at least one of them builds a recurrent layer
    for project in PROJECTS:
        files = [path for path in project.rglob("*.py") if path.name != "build.py"]
        assert len(files) >= 2, project.name
        assert any(any(word in path.read_text(encoding="utf-8") for word in RECURRENT_NAMES)
                   for path in files), project.name


@pytest.mark.parametrize("project", PROJECTS, ids=[project.name for project in PROJECTS])
def test_project_runs_and_returns_expected_shape(project):
    torch = pytest.importorskip("torch")
    output, expected_shape, messages = run_project(project)
    assert isinstance(output, torch.Tensor)
    assert all(isinstance(size, int) for size in expected_shape)
    assert tuple(output.shape) == tuple(expected_shape)
    assert torch.isfinite(output).all()
    # torch warns when dropout is asked of an RNN that has a single layer
    assert not [message for message in messages if SINGLE_LAYER_DROPOUT_WARNING in message]


def test_modules_of_one_project_do_not_leak_into_the_next():
    pytest.importorskip("torch")
    run_project(PROJECTS_DIR / "head_sized_in_other_file")
    assert "config" not in sys.modules and "model" not in sys.modules


def test_a_loaded_module_of_the_same_name_is_set_aside_and_restored(monkeypatch):
    pytest.importorskip("torch")
    stranger = type(sys)("config")  # a module named like the project's config.py, without Config
    monkeypatch.setitem(sys.modules, "config", stranger)
    output, expected_shape, _ = run_project(PROJECTS_DIR / "head_sized_in_other_file")
    assert tuple(output.shape) == tuple(expected_shape)
    assert sys.modules["config"] is stranger


@pytest.fixture(scope="module")
def folder_findings():
    """The command line run once on every project folder: {project name: [(file, row, code)]}."""
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json",
                             *map(str, PROJECTS)], capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    found = {project.name: [] for project in PROJECTS}
    for finding in json.loads(result.stdout):
        name = _relative(finding["filename"])
        found[name.split("/")[0]].append((name, finding["location"]["row"], finding["code"]))
    return found


@pytest.mark.parametrize("project", PROJECTS, ids=[project.name for project in PROJECTS])
def test_no_finding_on_the_project_folder(project, folder_findings):
    assert sorted(folder_findings[project.name]) == _known(project)


@pytest.mark.parametrize("path", PROJECT_FILES, ids=[str(path.relative_to(PROJECTS_DIR)) for path in PROJECT_FILES])
def test_no_finding_on_each_file_named_alone(path):
    findings = lint_paths([str(path)])
    found = sorted((_relative(finding.path), finding.row, finding.code) for finding in findings)
    assert found == _known(path), [finding.message for finding in findings]
