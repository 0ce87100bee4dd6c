"""docs/rules/ is what the registry says today (regenerate with `python docs/render_rules.py`),
every output's `url` points at one of its pages, and `rnnlint rule` speaks JSON."""

from __future__ import annotations

import json

from rnnlint._links import DOCS_BASE_URL, rule_url
from rnnlint.rules import ALL_RULES
from rnnlint.rules._docs import rule_doc, rule_pages

from conftest import ROOT, run_rnnlint

PAGES = ROOT / "docs" / "rules"


def test_the_rule_pages_are_up_to_date_and_nothing_else_is_there():
    pages = rule_pages()
    assert sorted(path.name for path in PAGES.iterdir()) == sorted(pages)
    for name, text in pages.items():
        assert (PAGES / name).read_text(encoding="utf-8") == text, f"{name}: run python docs/render_rules.py"


def test_each_page_holds_the_rule_doc_and_each_url_names_a_page():
    for rule in ALL_RULES:
        page = (PAGES / f"{rule.CODE}.md").read_text(encoding="utf-8")
        assert page.startswith(rule_doc(rule) + "\n")
        url = rule_url(rule.CODE)
        assert url.startswith(DOCS_BASE_URL) and (PAGES / url[len(DOCS_BASE_URL):]).is_file()
    index = (PAGES / "README.md").read_text(encoding="utf-8")
    assert all(f"[{rule.CODE}]({rule.CODE}.md)" in index for rule in ALL_RULES)


def test_rule_all_as_json_lists_every_rule_with_its_url():
    result = run_rnnlint("rule", "--all", "--output-format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [record["code"] for record in records] == [rule.CODE for rule in ALL_RULES]
    first = records[0]
    assert set(first) == {"code", "name", "summary", "message", "fix", "explanation", "url"}
    assert first["url"] == DOCS_BASE_URL + "RNN001.md" and first["fix"] == "available"
    assert first["explanation"].startswith("## What it does")
    one = json.loads(run_rnnlint("rule", "RNN009", "--output-format", "json").stdout)
    assert one == next(record for record in records if record["code"] == "RNN009")
    assert run_rnnlint("rule", "RNN009").stdout.startswith("# RNN009 dropout-without-layers\n")
