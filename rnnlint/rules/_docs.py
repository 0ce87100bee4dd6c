"""A rule's documentation, rendered from its docstring and class attributes."""

from __future__ import annotations

import inspect

from .._links import DOCS_BASE_URL, rule_url  # noqa: F401 - the address of each rule's page

DOC_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety")


def rule_doc(rule) -> str:
    body = inspect.cleandoc(rule.__doc__ or "")
    fix = "Fix available (safe fixes apply with `--fix`)." if rule.has_fix() else "No fix."
    return f"# {rule.CODE} {rule.NAME}\n\n{body}\n\n{fix}"


def rules_table() -> str:
    from . import ALL_RULES

    lines = ["| Code | Name | What it finds | Fix |", "| --- | --- | --- | --- |"]
    for rule in ALL_RULES:
        lines.append(f"| {rule.CODE} | `{rule.NAME}` | {rule.summary()} | {'yes' if rule.has_fix() else 'no'} |")
    return "\n".join(lines)


def rule_page(rule) -> str:
    """The Markdown page ``docs/rules/CODE.md``: the rule's documentation as ``rnnlint rule``
    prints it, with what it reports and how to silence it."""
    lines = [
        rule_doc(rule),
        "",
        "## Message",
        f"`{rule.MESSAGE}`",
        "",
        "## Suppression",
        f"`# noqa: {rule.CODE}` at the end of the line a finding points at; "
        f"`# rnnlint: noqa: {rule.CODE}` on a line of its own for the whole file; "
        f"`ignore = [\"{rule.CODE}\"]` under `[tool.rnnlint]` for the project.",
        "",
        "---",
        f"Generated from `rnnlint/rules/{rule.__module__.rsplit('.', 1)[-1]}.py` by "
        "`python docs/render_rules.py`; `rnnlint rule " + rule.CODE + "` prints its documentation.",
    ]
    return "\n".join(lines) + "\n"


def index_page() -> str:
    """``docs/rules/README.md``: every rule, linked to its page."""
    from . import ALL_RULES

    lines = ["# Rules", "", "Generated from the registry by `python docs/render_rules.py`.", "",
             "| Code | Name | What it finds | Fix |", "| --- | --- | --- | --- |"]
    for rule in ALL_RULES:
        lines.append(f"| [{rule.CODE}]({rule.CODE}.md) | `{rule.NAME}` | {rule.summary()} | "
                     f"{'yes' if rule.has_fix() else 'no'} |")
    return "\n".join(lines) + "\n"


def rule_pages() -> dict:
    """``{file name: text}`` of every page under ``docs/rules/``."""
    from . import ALL_RULES

    pages = {f"{rule.CODE}.md": rule_page(rule) for rule in ALL_RULES}
    pages["README.md"] = index_page()
    return pages


def rule_record(rule) -> dict:
    """One rule's facts, for programs."""
    return {
        "code": rule.CODE,
        "name": rule.NAME,
        "summary": rule.summary(),
        "message": rule.MESSAGE,
        "fix": "available" if rule.has_fix() else "none",
        "explanation": inspect.cleandoc(rule.__doc__ or ""),
        "url": rule_url(rule.CODE),
    }


def rules_json(rules) -> str:
    """``rnnlint rule --all --output-format json``: a list of ``rule_record``s; for one rule
    (``rnnlint rule CODE --output-format json``) its record alone."""
    import json

    if isinstance(rules, (list, tuple)):
        return json.dumps([rule_record(rule) for rule in rules], indent=2)
    return json.dumps(rule_record(rules), indent=2)
