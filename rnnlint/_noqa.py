"""Suppression comments: ``# noqa`` and ``# noqa: CODES`` at the end of a line, ``# rnnlint: noqa``
and ``# rnnlint: noqa: CODES`` on a line of their own for the whole file; which of them
suppressed something (the facts the unused-suppression rule reads); and ``--add-noqa``.

Stdlib only; imports no rule and no analysis.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from ._source import Span, split_rows

_CODE = r"[A-Za-z]+[0-9]+"
# a line's suppression anywhere on it, as flake8 reads them: bare, with codes `: A1, B2` or `:A1 B2`
LINE_NOQA = re.compile(rf"#\s*noqa(?::[\s]*(?P<codes>{_CODE}(?:[,\s]+{_CODE})*))?", re.IGNORECASE)
# the whole file: a comment line of its own, `# rnnlint: noqa` or `# rnnlint: noqa: A1, B2`
FILE_NOQA = re.compile(rf"^[ \t]*#[ \t]*rnnlint[ \t]*:[ \t]*noqa(?:[ \t]*:[ \t]*(?P<codes>{_CODE}(?:[ \t]*,?[ \t]*"
                       rf"{_CODE})*))?[ \t]*(?:#.*)?$", re.IGNORECASE)
_LISTED = re.compile(_CODE)
_RNN_NOQA = re.compile(r"noqa[ \t]*:[^\n]*rnn", re.IGNORECASE)


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(code.upper() for code in _LISTED.findall(text or ""))


def _covers(listed: str, code: str) -> bool:
    """A listed code suppresses itself and, as a prefix (`RNN00`), every code it starts."""
    return code.startswith(listed)


@dataclass(frozen=True)
class NoqaCode:
    """One code listed in a ``# noqa:`` comment, and whether it suppressed a finding."""

    code: str
    span: Span  # the code in the comment, in the parser's coordinates (UTF-8 byte columns)
    removal: Span | None  # what to delete to take the code out (the whole comment for the last one)
    used: bool


@dataclass(frozen=True)
class NoqaComment:
    """A ``# noqa`` comment (a real comment: a noqa in a string is not one) on ``row``."""

    row: int
    codes: tuple  # of NoqaCode, in the order written; empty for a bare one


@dataclass(frozen=True)
class SuppressionFacts:
    """What the suppression comments of one file did: the unused-suppression rule's facts."""

    comments: tuple  # of NoqaComment
    rules_run: frozenset  # the codes of the rules that checked this file
    known_codes: frozenset  # every rule code rnnlint has


class Suppressions:
    """The suppression comments of one file (rows as the parser counts them), and which
    codes of them suppressed a finding."""

    def __init__(self, lines: list):
        self.lines = lines
        self._file: tuple | None = None  # (everything, codes)
        self._used: set = set()  # (row, listed code) that suppressed a finding

    def _file_level(self) -> tuple:
        if self._file is None:
            everything = False
            codes: list[str] = []
            comments = None
            text = "".join(self.lines).lower()
            rows = self.lines if "rnnlint" in text and "noqa" in text else []
            for row, line in enumerate(rows, start=1):
                lowered = line.lower()
                if "noqa" not in lowered or "rnnlint" not in lowered:
                    continue
                match = FILE_NOQA.match(line.rstrip("\r\n"))
                if match is None:
                    continue
                if comments is None:
                    comments = comment_columns("".join(self.lines))
                if comments.get(row) != line.index("#"):
                    continue  # inside a string, or a file Python cannot tokenize
                listed = _codes(match.group("codes"))
                if listed:
                    codes.extend(listed)
                else:
                    everything = True
            self._file = (everything, tuple(codes))
        return self._file

    def suppresses(self, row: int, code: str) -> bool:
        """Whether a finding of ``code`` on ``row`` is suppressed (and remember what did it)."""
        if 1 <= row <= len(self.lines) and "noqa" in self.lines[row - 1].lower():
            match = LINE_NOQA.search(self.lines[row - 1])
            if match is not None:
                listed = _codes(match.group("codes"))
                if not listed:
                    return True
                covering = [item for item in listed if _covers(item, code)]
                if covering:
                    self._used.update((row, item) for item in covering)
                    return True
        everything, codes = self._file_level()
        return everything or any(_covers(item, code) for item in codes)

    def facts(self, rules_run: frozenset, known_codes: frozenset) -> SuppressionFacts:
        """The ``# noqa`` comments of the file with the usage seen so far."""
        source = "".join(self.lines)
        if _RNN_NOQA.search(source) is None:  # no comment lists an rnnlint code: no tokenizing
            return SuppressionFacts((), rules_run, known_codes)
        comments = comment_columns(source)
        found = []
        for row, start in sorted(comments.items()):
            line = self.lines[row - 1]
            match = LINE_NOQA.search(line, start)
            if match is None or FILE_NOQA.match(line.rstrip("\r\n")):
                continue
            found.append(NoqaComment(row, self._listed(row, line, match)))
        return SuppressionFacts(tuple(found), rules_run, known_codes)

    def _listed(self, row: int, line: str, match: re.Match) -> tuple:
        if match.group("codes") is None:
            return ()
        start = match.start("codes")
        items = [(item.group(0).upper(), start + item.start(), start + item.end())
                 for item in _LISTED.finditer(match.group("codes"))]
        rest = line[match.end():].rstrip("\r\n")
        whole = _whole_removal(line, match.start(), match.end(), rest)

        def span(begin: int, end: int) -> Span:
            return Span(row, _byte(line, begin), row, _byte(line, end))

        listed = []
        for index, (code, begin, end) in enumerate(items):
            if len(items) == 1:
                removal = whole
            elif index == 0:  # `RNN001, RNN004`: the code and the separator after it
                removal = (begin, items[1][1])
            else:  # the separator before it and the code
                removal = (items[index - 1][2], end)
            listed.append(NoqaCode(code, span(begin, end), span(*removal) if removal else None,
                                   (row, code) in self._used))
        return tuple(listed)


def _whole_removal(line: str, start: int, end: int, rest: str) -> tuple[int, int] | None:
    """What to delete to take a whole ``# noqa: CODE`` comment out: with the spaces before it
    when nothing follows, with the spaces after it when another comment follows; None when
    other text follows in the same comment (it would be left outside any comment)."""
    if not rest.strip():
        before = line[:start].rstrip(" \t")
        return len(before), len(line.rstrip("\r\n"))
    stripped = rest.lstrip(" \t")
    if stripped.startswith("#"):
        return start, end + len(rest) - len(stripped)
    return None


def _byte(line: str, column: int) -> int:
    return len(line[:column].encode("utf-8"))


def comment_columns(source: str) -> dict:
    """``{row: column}`` of each comment, from Python's tokenizer (a ``#`` in a string is not a
    comment); empty when the source cannot be tokenized."""
    found = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return {}
    return found


# --- --add-noqa -----------------------------------------------------------------------------


def add_noqa_to_files(findings: list) -> tuple[int, list]:
    """``--add-noqa``: write ``# noqa: CODE`` on each line that has a finding (not RNN000, which
    no comment suppresses, nor RNN100, whose fix is to remove the code), in files and notebook
    cells, each file in its own encoding and line endings, replaced atomically. Returns how many
    lines got a comment and the warnings (one line each)."""
    from pathlib import Path

    from ._reading import encode_like, read_file
    from ._runner import write_atomically

    wanted: dict = {}  # path -> cell (None in a file) -> row -> codes
    for finding in findings:
        if finding.code in ("RNN000", "RNN100"):
            continue
        rows = wanted.setdefault(finding.path, {}).setdefault(finding.cell, {})
        rows.setdefault(finding.row, [])
        if finding.code not in rows[finding.row]:
            rows[finding.row].append(finding.code)
    added, warnings = 0, []
    for name, cells in wanted.items():
        path = Path(name)
        source, problem, data = read_file(path, prefilter=False)
        if source is None or problem is not None:
            warnings.append(f"{name}: cannot be read again; no noqa added")
            continue
        if name.endswith(".ipynb"):
            text, count, skipped = _add_noqa_to_notebook(source, name, cells)
            new_data = (("\ufeff" if data.startswith(b"\xef\xbb\xbf") else "") + text).encode("utf-8") \
                if count else None
        else:
            text, count, skipped = add_noqa(source, cells.get(None, {}))
            new_data = encode_like(text, data) if count else None
            if count and new_data is None:
                warnings.append(f"{name}: the comment cannot be written in the file's encoding; no noqa added")
                continue
        warnings.extend(f"{name}:{where}: no noqa added: {why}" for where, why in skipped)
        if new_data is not None and new_data != data:
            write_atomically(path, new_data)
            added += count
    return added, warnings


def _add_noqa_to_notebook(text: str, path: str, cells: dict) -> tuple[str, int, list]:
    """The notebook's JSON with the comments added to the ``source`` of its cells (outputs,
    metadata and layout kept byte for byte)."""
    from ._notebook import NotebookError, read_notebook, write_cells

    try:
        notebook = read_notebook(text, path)
    except NotebookError:
        return text, 0, [("1", "not a notebook rnnlint can read")]
    sources: dict = {}
    count, skipped = 0, []  # type: tuple[int, list]
    for cell in notebook.cells:
        rows = cells.get(cell.number)
        if not rows:
            continue
        new, changed, left = add_noqa(cell.text, rows, tokens_of=cell.blanked)
        skipped.extend((f"cell {cell.number}:{row}", why) for row, why in left)
        if changed:
            sources[cell.number] = new
            count += changed
    if not sources:
        return text, 0, skipped
    try:
        return write_cells(text, sources), count, skipped
    except NotebookError as error:
        return text, 0, skipped + [("1", str(error))]


def add_noqa(source: str, rows: dict, tokens_of: str | None = None) -> tuple[str, int, list]:
    """``source`` with ``# noqa: CODES`` added at the end of each row of ``rows`` (``{row: codes}``):
    appended to the row's ``# noqa:`` comment when it has one, a new comment otherwise; line
    endings kept. Returns the new text, how many rows changed, and the rows left as they were
    (the end of the row is inside a string, or after a line continuation) with why."""
    lines = split_rows(source)
    # `tokens_of`: the same rows as Python reads them (a notebook cell with IPython syntax blanked)
    inside = _rows_ending_in_strings(source if tokens_of is None else tokens_of)
    comments = comment_columns(source if tokens_of is None else tokens_of)
    changed, skipped = 0, []
    for row, codes in sorted(rows.items()):
        if not 1 <= row <= len(lines):
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if row in inside or body.rstrip().endswith("\\"):
            skipped.append((row, "the row ends inside a string or a line continuation"))
            continue
        column = comments.get(row)
        match = LINE_NOQA.search(body, column) if column is not None else None
        if match is not None and match.group("codes") is None:
            continue  # a bare one suppresses everything already
        if match is not None:
            present = _codes(match.group("codes"))
            missing = [code for code in codes if not any(_covers(item, code) for item in present)]
            if not missing:
                continue
            new = body[:match.end()] + ", " + ", ".join(missing) + body[match.end():]
        else:
            new = body.rstrip(" \t") + "  # noqa: " + ", ".join(sorted(set(codes)))
        lines[row - 1] = new + ending
        changed += 1
    return "".join(lines), changed, skipped


def _rows_ending_in_strings(source: str) -> set:
    """The rows whose end lies inside a multi-line string: a comment there would be string text."""
    rows: set = set()
    starts: list = []  # the rows of the f-strings open (Python 3.12 tokenizes their parts)
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                rows.update(range(token.start[0], token.end[0]))
            elif token.type == getattr(tokenize, "FSTRING_START", -1):
                starts.append(token.start[0])
            elif token.type == getattr(tokenize, "FSTRING_END", -1) and starts:
                rows.update(range(starts.pop(), token.end[0]))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return set(range(1, source.count("\n") + 2))  # cannot tell: touch nothing
    return rows
