"""Every rule's VALID and INVALID examples, run as tests (the examples are the rule's spec).

An INVALID example marks each finding it must give with `# expect: CODE:COLUMN` at the end of its
line (the column 1-based, as rnnlint prints it). Its findings, from every rule, must be exactly
the marked ones: the code, the line and the column of each, and no other. The markers are taken
out before the example is linted or fixed, so the `fixed` text carries none.
"""

from __future__ import annotations

import ast

import pytest

from rnnlint._config import Config
from rnnlint._engine import check_source, lint_source
from rnnlint.rules import ALL_RULES

from conftest import expected_positions, without_markers

VALID = [(rule, index, source) for rule in ALL_RULES for index, source in enumerate(rule.VALID)]
INVALID = [(rule, index, example) for rule in ALL_RULES for index, example in enumerate(rule.INVALID)]


def each(examples: list, kind: str):
    """Parametrize a test by ``(rule, example)``, with ids such as ``RNN001-invalid-0``."""
    return pytest.mark.parametrize("rule, example", [(rule, example) for rule, _, example in examples],
                                   ids=[f"{rule.CODE}-{kind}-{index}" for rule, index, _ in examples])


def mismatch(source: str) -> str | None:
    """What differs between the findings in ``source`` and its markers, or None if nothing does."""
    expected = expected_positions(source)
    line_only = {(row, code) for row, column, code in expected if column is None}
    got = sorted(((f.row, None, f.code) if (f.row, f.code) in line_only else (f.row, f.column + 1, f.code)
                  for f in lint_source(without_markers(source))), key=lambda item: (item[0], item[1] or 0, item[2]))
    if got == expected:
        return None
    missing = [item for item in expected if item not in got]
    unexpected = [item for item in got if item not in expected]
    return f"(row, column, code) marked but not found: {missing}; found but not marked: {unexpected}"


def test_every_rule_has_examples():
    for rule in ALL_RULES:
        assert len(rule.VALID) >= 2, rule.CODE
        assert len(rule.INVALID) >= 2, rule.CODE


@pytest.mark.parametrize("source", [source for _, _, source in VALID], ids=[f"{r.CODE}-valid-{i}" for r, i, _ in VALID])
def test_valid_example_is_clean_for_every_rule(source):
    assert lint_source(source) == []


@each(INVALID, "invalid")
def test_invalid_example_gives_exactly_its_marked_findings(rule, example):
    expected = expected_positions(example.code)
    assert rule.CODE in [code for _, _, code in expected], "an INVALID example marks a finding of its rule"
    assert all(column is not None for _, column, _ in expected), "a rule's examples mark the column too"
    assert mismatch(example.code) is None, mismatch(example.code)


RNN001_EXAMPLE = next(rule for rule in ALL_RULES if rule.CODE == "RNN001").INVALID[0].code


def test_the_exact_comparison_can_fail():
    assert mismatch(RNN001_EXAMPLE) is None
    marked = next(line for line in RNN001_EXAMPLE.splitlines() if "# expect: RNN001:" in line)
    column = int(marked.rsplit(":", 1)[1])
    for wrong in (f"RNN001:{column + 1}", f"RNN003:{column}", f"RNN001:{column}, RNN001:{column + 4}"):
        assert mismatch(RNN001_EXAMPLE.replace(f"RNN001:{column}", wrong)) is not None, wrong
    # a finding left unmarked fails
    assert mismatch(RNN001_EXAMPLE.replace(marked, without_markers(marked))) is not None
    # a marker without a column matches the line; on the next line it fails
    line_only = RNN001_EXAMPLE.replace(f"RNN001:{column}", "RNN001")
    assert mismatch(line_only) is None
    lines = line_only.splitlines(keepends=True)
    row = next(index for index, line in enumerate(lines) if "# expect:" in line)
    lines[row] = without_markers(lines[row])
    lines[row + 1] = lines[row + 1].rstrip("\n") + "  # expect: RNN001\n"
    assert mismatch("".join(lines)) is not None


FIXABLE = [(rule, index, example) for rule, index, example in INVALID if example.fixed is not None]


def alone(rule) -> Config:
    """The rule on its own; a rule that judges suppressions needs the rules they name too."""
    return Config(select=(rule.CODE,)) if rule.READS == "facts" else Config()


@each(FIXABLE, "fix")
def test_fix_gives_expected_source_parses_and_converges(rule, example):
    config = alone(rule)
    result = check_source(without_markers(example.code), "example.py", config, fix=True, unsafe_fixes=True)
    assert result.fixed_source == example.fixed
    ast.parse(result.fixed_source)  # a fix must leave code that parses
    again = check_source(result.fixed_source, "example.py", config, fix=True, unsafe_fixes=True)
    assert again.fixed_source is None  # applying fixes again changes nothing
    assert rule.CODE not in [finding.code for finding in again.findings]


def test_rules_without_fix_examples_offer_no_fix():
    for rule, _, example in INVALID:
        if rule.has_fix():
            continue
        for finding in lint_source(without_markers(example.code)):
            if finding.code == rule.CODE:
                assert finding.fix is None, rule.CODE


UNFIXABLE = [(rule, index, example) for rule, index, example in INVALID if example.fixed is None]


@each(UNFIXABLE, "nofix")
def test_example_without_fixed_text_is_left_as_written(rule, example):
    source = without_markers(example.code)
    result = check_source(source, "example.py", alone(rule), fix=True, unsafe_fixes=True)
    assert result.fixed_source is None
