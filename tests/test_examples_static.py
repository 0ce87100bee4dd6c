"""The bundled examples, linted: each buggy half yields exactly its marker, each fixed half nothing."""

from __future__ import annotations

import pytest

from rnnlint import lint_paths, lint_source

from conftest import ROOT, expected_markers, run_rnnlint

EXAMPLES = sorted((ROOT / "examples").glob("rnn*/"))
def _implemented_codes() -> set:
    from rnnlint.rules import ALL_RULES

    return {rule.CODE for rule in ALL_RULES}


@pytest.mark.parametrize("folder", EXAMPLES, ids=[folder.name for folder in EXAMPLES])
def test_buggy_half_yields_exactly_its_marker(folder):
    source = (folder / "buggy.py").read_text()
    markers = expected_markers(source)
    assert markers, "every buggy example carries an expect marker"
    markers = [(row, code) for row, code in markers if code in _implemented_codes()]
    findings = [(finding.row, finding.code) for finding in lint_source(source, str(folder / "buggy.py"))]
    assert findings == markers


@pytest.mark.parametrize("folder", EXAMPLES, ids=[folder.name for folder in EXAMPLES])
def test_fixed_half_is_clean(folder):
    assert lint_source((folder / "fixed.py").read_text()) == []


def test_whole_example_suite_in_one_run():
    findings = lint_paths([ROOT / "examples"])
    got = sorted((str(finding.path), finding.row, finding.code) for finding in findings)
    expected = sorted(
        (str(folder / "buggy.py"), row, code)
        for folder in EXAMPLES
        for row, code in expected_markers((folder / "buggy.py").read_text())
        if code in _implemented_codes()
    )
    assert got == expected


def test_every_registered_rule_has_an_example_pair():
    from rnnlint.rules import ALL_RULES

    folders = {folder.name.split("_", 1)[0].upper() for folder in EXAMPLES}
    # a shape rule shows its bug on a model (run with torch); a rule on suppression comments has no
    # model to show: its examples are its VALID and INVALID snippets
    assert {rule.CODE for rule in ALL_RULES if rule.READS == "facts"} <= folders


def test_quick_start_command_runs_on_examples():
    result = run_rnnlint("--no-cache", ROOT / "examples")
    assert result.returncode == 1  # the buggy halves are found
    assert "Traceback" not in result.stderr
    assert f"Found {len(lint_paths([ROOT / 'examples']))} findings" in result.stdout
