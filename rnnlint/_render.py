"""Output formats. Findings are 0-based in columns; each format converts exactly once here.

Every format prints the findings in one order (file, cell, row, column, code), whatever order
they come in. Stdlib only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping

from ._finding import Finding
from ._links import HOMEPAGE, rule_url
from ._source import split_rows

# the names `--output-format` takes, in the order `--help` lists them; `text` is `concise`
FORMAT_NAMES = ("concise", "text", "full", "json", "json-lines", "junit", "sarif", "gitlab", "pylint", "github")
# the formats a person reads: they end with the summary line and may be coloured
HUMAN_FORMATS = frozenset({"concise", "text", "full"})

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
CONTEXT_ROWS = 2  # rows of source shown above and below a finding in `full`

_BOLD, _RED, _CYAN, _BLUE, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[34m", "\x1b[0m"


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in the one order every format prints: file, cell, row, column, code."""
    return sorted(findings, key=lambda f: (f.path, f.cell or 0, f.row, f.column, f.code, f.end_row, f.end_column,
                                           f.message))


def use_colour(stream, environ: Mapping[str, str] | None = None) -> bool:
    """Colour for a terminal, none when piped. ``NO_COLOR`` (no-color.org) turns it off and
    ``FORCE_COLOR`` (force-color.org) on, each when set to any value but the empty string,
    ``0`` included; ``NO_COLOR`` wins when both are set, as in Python's own tracebacks."""
    if environ is None:
        environ = os.environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


class _Paint:
    """ANSI styles, or nothing: one place decides whether output is coloured."""

    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, text: str, *styles: str) -> str:
        if not self.colour or not text:
            return text
        return "".join(styles) + text + _RESET


def position(finding: Finding) -> str:
    """``path:row:column`` (1-based column), with ``cell N:`` before the row in a notebook."""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path}:{cell}{finding.row}:{finding.column + 1}"


def _fixable(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.safe


def _headline(finding: Finding, paint: _Paint) -> str:
    marker = " " + paint("[*]", _CYAN) if _fixable(finding) else ""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    where = f"{paint(finding.path, _BOLD)}:{cell}{finding.row}:{finding.column + 1}"
    return f"{where}: {paint(finding.code, _BOLD, _RED)}{marker} {finding.message}"


def concise(findings: Iterable[Finding], colour: bool = False) -> str:
    """One line a finding: ``path:row:column: CODE [*] message``."""
    paint = _Paint(colour)
    return "\n".join(_headline(finding, paint) for finding in ordered(findings))


def text(findings: Iterable[Finding], colour: bool = False) -> str:
    """``text`` is the old name of ``concise``."""
    return concise(findings, colour)


def _source_rows(finding: Finding, sources: dict) -> list[str]:
    source = sources.get(finding.path, "")
    if isinstance(source, dict):  # a notebook: the text of each cell
        source = source.get(finding.cell, "")
    return [row.rstrip("\r\n") for row in split_rows(source or "")]


def full(findings: Iterable[Finding], sources: dict, colour: bool = False) -> str:
    """Each finding with two rows of source around it, the span underlined, its help and fix.

    ``sources``: the text of each file (for a notebook, ``{cell number: text}``)."""
    paint = _Paint(colour)
    blocks = []
    for finding in ordered(findings):
        block = [_headline(finding, paint)]
        rows = _source_rows(finding, sources)
        width = len(str(finding.row))
        if 1 <= finding.row <= len(rows):
            first = max(1, finding.row - CONTEXT_ROWS)
            last = min(len(rows), finding.row + CONTEXT_ROWS)
            width = len(str(last))
            gutter = paint(" " * width + " |", _BLUE)
            block.append(gutter)
            for number in range(first, last + 1):
                shown = rows[number - 1].expandtabs(4)
                block.append(f"{paint(f'{number:>{width}} |', _BLUE)} {shown}".rstrip())
                if number == finding.row:
                    line = rows[number - 1]
                    start = len(line[:finding.column].expandtabs(4))
                    end = finding.end_column if finding.end_row == finding.row else len(line.rstrip())
                    stop = len(line[:max(end, finding.column)].expandtabs(4))
                    carets = "^" * max(1, stop - start)
                    block.append(f"{gutter} {' ' * start}{paint(carets + ' ' + finding.code, _BOLD, _RED)}")
            block.append(gutter)
        if finding.help:
            block.append(f"{' ' * (width + 1)}= help: {finding.help}")
        if finding.fix is not None:
            kind = "fix" if finding.fix.safe else "unsafe fix (--unsafe-fixes)"
            block.append(f"{' ' * (width + 1)}= {kind}: {finding.fix.title}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


def _record(finding: Finding) -> dict:
    """One finding as ruff writes it in JSON (rows and columns 1-based), with rnnlint's
    ``name`` and ``help``."""
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
    end_row, end_column = _end(finding)
    return {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "filename": finding.path,
        "cell": finding.cell,
        "location": {"row": finding.row, "column": finding.column + 1},
        "end_location": {"row": end_row, "column": end_column},
        "noqa_row": finding.row,  # the row whose suppression comment silences it (a cell's row in a notebook)
        "fix": fix,
        "help": finding.help,
        # where the class was built when the finding holds only as one site builds it
        "configurations": [{"filename": site_path, "row": site_row}
                           for site_path, site_row in finding.configurations] or None,
        "url": rule_url(finding.code),
    }


def _end(finding: Finding) -> tuple[int, int]:
    """The 1-based end row and column (a finding without an end ends where it starts)."""
    if not finding.end_row:
        return finding.row, finding.column + 1
    return finding.end_row, finding.end_column + 1


def as_json(findings: Iterable[Finding]) -> str:
    """ruff's JSON field names; rows and columns 1-based as ruff writes them."""
    return json.dumps([_record(finding) for finding in ordered(findings)], indent=2)


def json_lines(findings: Iterable[Finding]) -> str:
    """One JSON object a line, with the fields of ``json``."""
    return "\n".join(json.dumps(_record(finding)) for finding in ordered(findings))


def github(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request diff."""
    lines = []
    for finding in ordered(findings):
        message = (f"cell {finding.cell}: " if finding.cell is not None else "") + finding.message
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        end_row, end_column = _end(finding)
        lines.append(
            f"::error title=rnnlint ({finding.code}),file={finding.path},line={finding.row},"
            f"col={finding.column + 1},endLine={end_row},endColumn={end_column}::{finding.code} {message}"
        )
    return "\n".join(lines)


def pylint(findings: Iterable[Finding]) -> str:
    """pylint's parseable format: ``path:row: [CODE] message`` (``path:cell N:row:`` in a notebook)."""
    lines = []
    for finding in ordered(findings):
        cell = f"cell {finding.cell}:" if finding.cell is not None else ""
        lines.append(f"{finding.path}:{cell}{finding.row}: [{finding.code}] {finding.message}")
    return "\n".join(lines)


def junit(findings: Iterable[Finding]) -> str:
    """A JUnit XML report: one test suite a file, one failed test case a finding; a file that
    could not be read or parsed (RNN000) is an error. No finding: one passing test case."""
    import xml.etree.ElementTree as ET

    findings = ordered(findings)
    errors = sum(1 for finding in findings if finding.code == "RNN000")
    root = ET.Element("testsuites", name="rnnlint", tests=str(max(1, len(findings))),
                      failures=str(len(findings) - errors), errors=str(errors))
    if not findings:
        suite = ET.SubElement(root, "testsuite", name="rnnlint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname="rnnlint")
    by_path: dict = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, items in by_path.items():
        suite_errors = sum(1 for finding in items if finding.code == "RNN000")
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(items)),
                              failures=str(len(items) - suite_errors), errors=str(suite_errors))
        for finding in items:
            case = ET.SubElement(suite, "testcase", name=f"{finding.code} {finding.name}".strip(), classname=path,
                                 file=path, line=str(finding.row), column=str(finding.column + 1))
            where = (f"cell {finding.cell}, " if finding.cell is not None else "") + \
                f"line {finding.row}, column {finding.column + 1}"
            element = ET.SubElement(case, "error" if finding.code == "RNN000" else "failure",
                                    message=finding.message, type=finding.code)
            element.text = f"{where}: {finding.message}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _uri(path: str) -> str:
    """A SARIF artifact location: a relative path as a relative URI (``/`` separated, escaped),
    an absolute one as a ``file:`` URI."""
    from pathlib import Path, PurePath
    from urllib.parse import quote

    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(PurePath(path).as_posix())


def _rule_descriptors(codes: list) -> list[dict]:
    from .rules import RULES_BY_CODE
    from .rules._docs import rule_doc

    descriptors = []
    for code in codes:
        rule = RULES_BY_CODE.get(code)
        if rule is None:  # RNN000: the file could not be read or parsed
            descriptors.append({
                "id": code,
                "name": "unreadable-file",
                "shortDescription": {"text": "rnnlint could not read or parse this file"},
                "defaultConfiguration": {"level": "error"},
            })
            continue
        doc = rule_doc(rule)
        descriptors.append({
            "id": code,
            "name": rule.NAME,
            "shortDescription": {"text": rule.summary()},
            "fullDescription": {"text": rule.summary()},
            "helpUri": rule_url(code),
            "help": {"text": doc, "markdown": doc},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["correctness"]},
        })
    return descriptors


def sarif(findings: Iterable[Finding]) -> str:
    """A SARIF 2.1.0 log, one run, as GitHub code scanning takes it: each rule found described
    once (with its documentation), each finding a result pointing at it."""
    from . import __version__

    findings = ordered(findings)
    codes = sorted({finding.code for finding in findings})
    index = {code: number for number, code in enumerate(codes)}
    results = []
    for finding in findings:
        end_row, end_column = _end(finding)
        location: dict = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(finding.path)},
                "region": {"startLine": finding.row, "startColumn": finding.column + 1,
                           "endLine": end_row, "endColumn": end_column},
            },
        }
        message = (f"cell {finding.cell}: " if finding.cell is not None else "") + finding.message
        result: dict = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": "error",
            "message": {"text": message},
            "locations": [location],
        }
        if finding.cell is not None:
            result["properties"] = {"cell": finding.cell}
        if finding.fix is not None and finding.cell is None:
            result["fixes"] = [{
                "description": {"text": finding.fix.title},
                "artifactChanges": [{
                    "artifactLocation": {"uri": _uri(finding.path)},
                    "replacements": [{
                        "deletedRegion": {"startLine": edit.row, "startColumn": edit.column + 1,
                                          "endLine": edit.end_row, "endColumn": edit.end_column + 1},
                        "insertedContent": {"text": edit.content},
                    } for edit in finding.fix.edits],
                }],
            }]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rnnlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOMEPAGE,
                "rules": _rule_descriptors(codes),
            }},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2)


def gitlab(findings: Iterable[Finding]) -> str:
    """A GitLab code quality report: ``description``, ``check_name``, ``fingerprint``,
    ``severity`` and ``location`` (path and first row) of each finding. The fingerprint is made
    of the file, the code, the message and how many such findings come before it in the file,
    so moving code up or down keeps it."""
    import hashlib

    records = []
    seen: dict = {}
    for finding in ordered(findings):
        key = (finding.path, finding.cell, finding.code, finding.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256(json.dumps([*key, occurrence]).encode("utf-8")).hexdigest()
        end_row, _ = _end(finding)
        description = (f"cell {finding.cell}: " if finding.cell is not None else "") + finding.message
        records.append({
            "description": f"{finding.code} {description}",
            "check_name": finding.code,
            "fingerprint": digest,
            "severity": "critical" if finding.code == "RNN000" else "major",
            "location": {"path": finding.path, "lines": {"begin": finding.row, "end": end_row}},
        })
    return json.dumps(records, indent=2)


def render(output_format: str, findings: Iterable[Finding], sources: dict | None = None,
           colour: bool = False) -> str:
    """The findings in one of ``FORMAT_NAMES`` (``sources``: for ``full``)."""
    renderers: dict[str, Callable[[list], str]] = {
        "concise": lambda items: concise(items, colour),
        "text": lambda items: concise(items, colour),
        "full": lambda items: full(items, sources or {}, colour),
        "json": as_json,
        "json-lines": json_lines,
        "junit": junit,
        "sarif": sarif,
        "gitlab": gitlab,
        "pylint": pylint,
        "github": github,
    }
    return renderers[output_format](list(findings))


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
