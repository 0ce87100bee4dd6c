"""Output formats. Findings are 0-based in columns; each format converts exactly once here."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ._finding import Finding
from ._source import split_rows

DOCS_URL = None  # no hosted docs: `rnnlint rule CODE` prints a rule's doc


def position(finding: Finding) -> str:
    """``path:row:column`` (1-based column), with ``cell N:`` before the row in a notebook."""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.row}:{finding.column + 1}"


def text(findings: Iterable[Finding], show_fixes: bool = False) -> str:
    lines = []
    for finding in findings:
        marker = " [*]" if show_fixes and finding.fix is not None and finding.fix.safe else ""
        lines.append(f"{position(finding)}: {finding.code}{marker} {finding.message}")
    return "\n".join(lines)


def full(findings: Iterable[Finding], sources: dict) -> str:
    """Each finding with its source line and help, for reading in a terminal."""
    blocks = []
    for finding in findings:
        block = [f"{position(finding)}: {finding.code} {finding.message}"]
        source = sources.get(finding.path, "")
        if isinstance(source, dict):  # a notebook: the text of each cell
            source = source.get(finding.cell, "")
        lines = split_rows(source)
        if 1 <= finding.row <= len(lines):
            line = lines[finding.row - 1].rstrip("\r\n")
            width = max(1, (finding.end_column if finding.end_row == finding.row else len(line)) - finding.column)
            block.append(f"  {finding.row:>4} | {line}")
            block.append(f"       | {' ' * finding.column}{'^' * width}")
        if finding.help:
            block.append(f"  help: {finding.help}")
        if finding.fix is not None:
            kind = "fix" if finding.fix.safe else "unsafe fix (--unsafe-fixes)"
            block.append(f"  {kind}: {finding.fix.title}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


def as_json(findings: Iterable[Finding]) -> str:
    """ruff's JSON field names; rows and columns 1-based as ruff writes them."""
    items = []
    for finding in findings:
        fix = None
        if finding.fix is not None:
            fix = {
                "applicability": "safe" if finding.fix.safe else "unsafe",
                "message": finding.fix.title,
                "edits": [
                    {
                        "content": edit.content,
                        "location": {"row": edit.row, "column": edit.column + 1},
                        "end_location": {"row": edit.end_row, "column": edit.end_column + 1},
                    }
                    for edit in finding.fix.edits
                ],
            }
        items.append({
            "code": finding.code,
            "name": finding.name,
            "message": finding.message,
            "filename": finding.path,
            "cell": finding.cell,
            "location": {"row": finding.row, "column": finding.column + 1},
            "end_location": {"row": finding.end_row or finding.row,
                             "column": (finding.end_column or finding.column) + 1},
            "fix": fix,
            "help": finding.help,
            "url": DOCS_URL,
        })
    return json.dumps(items, indent=2)


def github(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request diff."""
    lines = []
    for finding in findings:
        message = (f"cell {finding.cell}: " if finding.cell is not None else "") + finding.message
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        lines.append(
            f"::error title=rnnlint ({finding.code}),file={finding.path},line={finding.row},"
            f"col={finding.column + 1},endLine={finding.end_row or finding.row},"
            f"endColumn={(finding.end_column or finding.column) + 1}::{finding.code} {message}"
        )
    return "\n".join(lines)


def summary(findings: list, files: int, fixed: int = 0, incomplete: int = 0) -> str:
    """The last line of a run. ``incomplete``: files whose analysis failed part-way (an internal
    error): like a file that cannot be read, never counted as a pass."""
    errors = sum(1 for finding in findings if finding.code == "RNN000")
    count = len(findings) - errors
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if count or errors or incomplete:
        text_count = f"Found {count} finding{'s' if count != 1 else ''}"
        if errors:
            text_count += f" and {errors} file{'s' if errors != 1 else ''} that could not be read"
        text_count += f" in {files} file{'s' if files != 1 else ''} checked"
        if incomplete:
            text_count += f"; {incomplete} file{'s' if incomplete != 1 else ''} could not be analysed"
        parts.append(text_count + ".")
        fixable = sum(1 for finding in findings if finding.fix is not None and finding.fix.safe)
        if fixable:
            parts.append(f"[*] {fixable} fixable with `--fix`.")
    else:
        parts.append(f"All checks passed ({files} file{'s' if files != 1 else ''} checked).")
    return " ".join(parts)
