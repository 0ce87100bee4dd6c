"""Every rule's VALID and INVALID examples, run as tests (the examples are the rule's spec)."""

from __future__ import annotations

import ast

import pytest

from rnnlint._config import Config
from rnnlint._engine import check_source, lint_source
from rnnlint.rules import ALL_RULES

VALID = [(rule, index, source) for rule in ALL_RULES for index, source in enumerate(rule.VALID)]
INVALID = [(rule, index, example) for rule in ALL_RULES for index, example in enumerate(rule.INVALID)]


def test_every_rule_has_examples():
    for rule in ALL_RULES:
        assert len(rule.VALID) >= 2, rule.CODE
        assert len(rule.INVALID) >= 2, rule.CODE


@pytest.mark.parametrize("rule, index, source", VALID, ids=[f"{r.CODE}-valid-{i}" for r, i, _ in VALID])
def test_valid_example_is_clean_for_every_rule(rule, index, source):
    assert lint_source(source) == []


@pytest.mark.parametrize("rule, index, example", INVALID, ids=[f"{r.CODE}-invalid-{i}" for r, i, _ in INVALID])
def test_invalid_example_is_flagged_by_its_rule(rule, index, example):
    codes = [finding.code for finding in lint_source(example.code)]
    assert rule.CODE in codes


FIXABLE = [(rule, index, example) for rule, index, example in INVALID if example.fixed is not None]


@pytest.mark.parametrize("rule, index, example", FIXABLE, ids=[f"{r.CODE}-fix-{i}" for r, i, _ in FIXABLE])
def test_fix_gives_expected_source_parses_and_converges(rule, index, example):
    config = Config(select=(rule.CODE,))
    result = check_source(example.code, "example.py", config, fix=True, unsafe_fixes=True)
    assert result.fixed_source == example.fixed
    ast.parse(result.fixed_source)  # a fix must leave code that parses
    again = check_source(result.fixed_source, "example.py", config, fix=True, unsafe_fixes=True)
    assert again.fixed_source is None  # applying fixes again changes nothing
    assert rule.CODE not in [finding.code for finding in again.findings]


def test_rules_without_fix_examples_offer_no_fix():
    for rule, _, example in INVALID:
        if rule.has_fix():
            continue
        for finding in lint_source(example.code):
            if finding.code == rule.CODE:
                assert finding.fix is None, rule.CODE


UNFIXABLE = [(rule, index, example) for rule, index, example in INVALID if example.fixed is None]


@pytest.mark.parametrize("rule, index, example", UNFIXABLE, ids=[f"{r.CODE}-nofix-{i}" for r, i, _ in UNFIXABLE])
def test_example_without_fixed_text_is_left_as_written(rule, index, example):
    result = check_source(example.code, "example.py", Config(select=(rule.CODE,)), fix=True, unsafe_fixes=True)
    assert result.fixed_source is None
