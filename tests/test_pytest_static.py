"""``pytest --rnnlint-static``: each collected Python file is a test item that fails with its
findings, run as real inner pytest sessions over a buggy and a fixed project.
"""

import textwrap
from pathlib import Path

import pytest

# the inner sessions run in this process and restore sys.modules after each: the linter is
# imported here first, so that it is not imported again for every session
import rnnlint._render
import rnnlint._runner
import rnnlint.rules  # noqa: F401

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BUGGY = (EXAMPLES / "rnn002_hidden_state_into_head" / "buggy.py").read_text()
FIXED = (EXAMPLES / "rnn002_hidden_state_into_head" / "fixed.py").read_text()
PLAIN = "def test_nothing():\n    assert 1 + 1 == 2\n"


def finding_row(source):
    return next(number for number, line in enumerate(source.splitlines(), 1) if "# expect: RNN002" in line)


def project(pytester, model, pyproject=""):
    pytester.makepyfile(model=model, test_plain=PLAIN)
    if pyproject:
        pytester.makefile(".toml", pyproject=textwrap.dedent(pyproject))


def static_items(result):
    return [line for line in result.stdout.lines if "::rnnlint-static" in line]


def test_buggy_file_fails_with_its_findings(pytester):
    project(pytester, BUGGY)
    result = pytester.runpytest("--rnnlint-static", "-v")
    # model.py and test_plain.py are checked; test_plain.py's own test runs too
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines([
        "*model.py::rnnlint-static FAILED*",
        f"model.py:{finding_row(BUGGY)}:16: RNN002 `self.fc` receives the whole `h_n` of `self.gru`*",
    ])
    result.stdout.fnmatch_lines(["*test_plain.py::rnnlint-static PASSED*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_fixed_file_passes(pytester):
    project(pytester, FIXED)
    pytester.runpytest("--rnnlint-static").assert_outcomes(passed=3)


def test_without_the_flag_no_file_is_linted(pytester):
    project(pytester, BUGGY)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert static_items(result) == []


@pytest.mark.slow  # one inner pytest session each: seconds
def test_ini_option_mirrors_the_flag(pytester):
    project(pytester, BUGGY)
    pytester.makeini("[pytest]\nrnnlint_static = true\n")
    pytester.runpytest().assert_outcomes(failed=1, passed=2)


@pytest.mark.slow  # one inner pytest session each: seconds
def test_marker_selects_the_static_items_alone(pytester):
    project(pytester, BUGGY)
    result = pytester.runpytest("--rnnlint-static", "-m", "rnnlint_static")
    result.assert_outcomes(failed=1, passed=1, deselected=1)


def test_noqa_file_level_noqa_per_file_ignores_and_exclude_are_honoured(pytester):
    pytester.makepyfile(
        noqa=BUGGY.replace("# expect: RNN002", "# noqa: RNN002"),
        per_file=BUGGY, excluded=BUGGY, still_buggy=BUGGY,
        file_noqa="# rnnlint: noqa: RNN002\n" + BUGGY,
    )
    pytester.makefile(".toml", pyproject=textwrap.dedent("""
        [tool.rnnlint]
        per-file-ignores = { "per_file.py" = ["RNN002"] }
        extend-exclude = ["excluded.py"]
        """))
    result = pytester.runpytest("--rnnlint-static", "-v")
    result.assert_outcomes(failed=1, passed=4)
    result.stdout.fnmatch_lines(["*still_buggy.py::rnnlint-static FAILED*"])


@pytest.mark.slow  # one inner pytest session each: seconds
@pytest.mark.parametrize("selection", ['ignore = ["RNN002"]', 'select = ["RNN001"]'])
def test_a_selection_without_the_rule_passes(pytester, selection):
    project(pytester, BUGGY, f"[tool.rnnlint]\n{selection}\n")
    pytester.runpytest("--rnnlint-static").assert_outcomes(passed=3)


@pytest.mark.slow  # one inner pytest session each: seconds
def test_bad_configuration_fails_each_item_with_one_line(pytester):
    project(pytester, BUGGY, """
    [tool.rnnlint]
    select = ["RNN999"]
    """)
    result = pytester.runpytest("--rnnlint-static")
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines(["rnnlint: error: pyproject.toml: [tool.rnnlint] select: unknown code RNN999"])
    result.stdout.no_fnmatch_line("*Traceback*")


@pytest.mark.slow  # one inner pytest session each: seconds
def test_syntax_error_in_a_recurrent_file_is_a_failure(pytester):
    broken = BUGGY.replace("def forward(self, x):", "def forward(self, x)")
    pytester.makepyfile(model=broken)
    result = pytester.runpytest("--rnnlint-static", "-p", "no:python")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["model.py:*: RNN000 *"])


@pytest.mark.slow  # one inner pytest session: seconds
def test_rnnlint_toml_and_gitignore_are_honoured(pytester):
    import subprocess

    pytester.makepyfile(ignored_by_toml=BUGGY, gitignored=BUGGY, still_buggy=BUGGY)
    pytester.makefile(".toml", rnnlint='per-file-ignores = { "ignored_by_toml.py" = ["RNN002"] }\n')
    subprocess.run(["git", "init", "-q"], cwd=pytester.path, check=True, timeout=60)
    (pytester.path / ".gitignore").write_text("gitignored.py\n")
    result = pytester.runpytest("--rnnlint-static", "-v")
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(["*still_buggy.py::rnnlint-static FAILED*"])


def test_notebooks_are_collected_and_linted(pytester):
    notebooks = Path(__file__).resolve().parent / "notebooks"
    (pytester.path / "classifier.ipynb").write_bytes((notebooks / "classifier.ipynb").read_bytes())
    (pytester.path / "clean.ipynb").write_bytes((notebooks / "tutorial_clean.ipynb").read_bytes())
    result = pytester.runpytest("--rnnlint-static", "-v", "-p", "no:python")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([
        "*classifier.ipynb::rnnlint-static FAILED*",
        "classifier.ipynb:cell 3:7:19: RNN001 [*] `self.fc` takes `hidden_size` input features, but receives "
        "`2*hidden_size` from bidirectional `self.lstm`",
    ])
    result.stdout.fnmatch_lines(["*clean.ipynb::rnnlint-static PASSED*"])
