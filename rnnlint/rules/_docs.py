"""A rule's documentation, rendered from its docstring and class attributes."""

from __future__ import annotations

import inspect

from .._project import DOCS_BASE_URL, rule_url  # noqa: F401 - the address of each rule's page

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
