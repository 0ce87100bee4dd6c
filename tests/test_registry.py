"""The rule registry is the single list of rules; docs and README follow from it."""

from __future__ import annotations

import pkgutil
import re

import rnnlint.rules as rules_package
from rnnlint.rules import ALL_RULES
from rnnlint.rules._docs import DOC_HEADINGS, rules_table

from conftest import ROOT


def test_every_rule_module_is_registered():
    modules = {info.name for info in pkgutil.iter_modules(rules_package.__path__) if re.match(r"rnn\d{3}_", info.name)}
    registered = {rule.__module__.rsplit(".", 1)[-1] for rule in ALL_RULES}
    assert modules == registered


def test_rule_module_names_match_code_and_name():
    for rule in ALL_RULES:
        module = rule.__module__.rsplit(".", 1)[-1]
        assert module == f"{rule.CODE.lower()}_{rule.NAME.replace('-', '_')}"


def test_codes_and_names_are_unique_and_well_formed():
    codes = [rule.CODE for rule in ALL_RULES]
    names = [rule.NAME for rule in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in ALL_RULES:
        assert re.fullmatch(r"RNN\d{3}", rule.CODE)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.NAME)
        assert not rule.MESSAGE.endswith(".")


def test_every_doc_has_the_headings_in_order():
    for rule in ALL_RULES:
        doc = rule.__doc__ or ""
        positions = [doc.find(heading) for heading in DOC_HEADINGS]
        assert all(position >= 0 for position in positions), (rule.CODE, positions)
        assert positions == sorted(positions), rule.CODE


def test_readme_table_matches_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- rules-table")
    end = readme.index("<!-- end rules-table -->")
    block = readme[start:end]
    table = block[block.index("\n") + 1:].strip()
    assert table == rules_table()
    for rule in ALL_RULES:
        assert rule.CODE in table
