"""Which newer Python a syntax error asks for: ``type X = int`` does not parse before 3.12.

Python's parser reads exactly the syntax of the Python that runs rnnlint. When a file fails
only where it uses a construct of a later version, the finding names that version. The
construct is recognised on the line the parser stopped at; any other error is left as it is.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import tokenize

# (version, the construct at the start of a logical line); the first that matches wins
_STATEMENTS = (
    ((3, 13), re.compile(r"(?:type\s+\w+|(?:async\s+)?def\s+\w+|class\s+\w+)\s*\[[^\]]*=")),  # type parameter defaults
    ((3, 12), re.compile(r"type\s+[^\W\d]\w*\s*[\[=]")),  # a type alias statement
    ((3, 12), re.compile(r"(?:async\s+)?def\s+[^\W\d]\w*\s*\[")),  # a generic function
    ((3, 12), re.compile(r"class\s+[^\W\d]\w*\s*\[")),  # a generic class
    ((3, 11), re.compile(r"except\s*\*")),  # an exception group handler
    ((3, 14), re.compile(r"except\s+[^\s:(\[][^:]*,[^:]*:")),  # several exceptions without brackets
)


def newer_syntax(source: str, error: SyntaxError) -> str | None:
    """``uses syntax of Python 3.12; rnnlint runs on 3.11`` when the line ``error`` points at
    uses a construct of a later Python than this one, and the file parses past that line once
    the construct is written the older way; else None."""
    running = sys.version_info[:2]
    lines = source.splitlines(keepends=True)
    row = error.lineno or 0
    if not 1 <= row <= len(lines):
        return None
    line = lines[row - 1]
    for version, pattern in _STATEMENTS:
        stripped = line.lstrip()
        if running < version and pattern.match(stripped):
            older = _older(line, stripped)
            if older is not None and _parses_past(lines, row, older):
                return _message(version, running)
            return None
    if running < (3, 14):
        older = _without_template_strings(line)
        if older is not None and _parses_past(lines, row, older):
            return _message((3, 14), running)
    return None


def _older(line: str, stripped: str) -> str | None:
    """``line`` with its newer construct written as older Python writes it (or None)."""
    indent = line[:len(line) - len(stripped)]
    if stripped.startswith("except"):
        rest = stripped[len("except"):].lstrip()
        if rest.startswith("*"):
            return f"{indent}except {rest[1:].lstrip()}"
        names, colon, after = rest.partition(":")
        return f"{indent}except ({names.rstrip()}){colon}{after}" if " as " not in names else None
    match = re.match(r"(type|(?:async\s+)?def|class)\s+([^\W\d]\w*)\s*", stripped)
    if match is None:
        return None
    keyword, name = match.group(1), match.group(2)
    rest = stripped[match.end():]
    if rest.startswith("["):
        end = _closing_bracket(rest)
        if end is None:
            return None
        rest = rest[end + 1:]
    if keyword == "type":
        return f"{indent}{name} {rest.lstrip()}" if rest.lstrip().startswith("=") else None
    return f"{indent}{keyword} {name}{rest}"


def _closing_bracket(text: str) -> int | None:
    depth = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return index if char == "]" else None
    return None


def _parses_past(lines: list, row: int, older: str) -> bool:
    """Whether the file, with line ``row`` written the older way, parses, or fails only later."""
    import ast

    try:
        ast.parse("".join(lines[:row - 1]) + older + "".join(lines[row:]))
    except SyntaxError as again:
        return (again.lineno or 0) > row
    except (ValueError, MemoryError, RecursionError):
        return False
    return True


def _without_template_strings(line: str) -> str | None:
    """The line with each ``t"..."`` template string (3.14) read as the f-string it is spelt like."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    columns = [before.start[1] for before, after in itertools.pairwise(tokens)
               if before.type == tokenize.NAME and before.string.lower() in ("t", "tr", "rt")
               and after.type == tokenize.STRING and before.end == after.start and before.start[0] == 1]
    if not columns:
        return None
    out = line
    for column in reversed(columns):
        prefix = out[column:column + 2]
        swapped = prefix.replace("t", "f", 1).replace("T", "f", 1) if prefix[0] in "tT" else \
            prefix[0] + prefix[1].replace("t", "f").replace("T", "f")
        out = out[:column] + swapped + out[column + 2:]
    return out


def _message(version: tuple, running: tuple) -> str:
    return f"uses syntax of Python {version[0]}.{version[1]}; rnnlint runs on {running[0]}.{running[1]}"
