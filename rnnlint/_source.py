"""Positions and text of syntax-tree nodes.

Python's parser gives each node a start and an end as a row and a UTF-8 byte offset; findings
and edits count characters. The conversion happens here, and only for the nodes reported.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from typing import overload

# Python ends a row at \n, \r\n or \r only; str.splitlines also splits at form feeds and
# other separators, which would shift every row after one
_ROW_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def split_rows(source: str) -> list[str]:
    """The rows of ``source`` as Python's parser counts them, each with its line ending."""
    if "\x0c" not in source and "\x0b" not in source and source.isascii():
        return source.splitlines(keepends=True)  # the same split, several times faster
    rows = _ROW_BREAK.split(source)
    if rows and rows[-1] == "":
        rows.pop()
    return rows


@dataclass(frozen=True)
class Span:
    """A stretch of source in the parser's coordinates: rows 1-based, columns in UTF-8 bytes."""

    row: int
    column: int
    end_row: int
    end_column: int


def span_of(node: ast.AST | Span) -> Span | None:
    """The span of a node (or a span itself); None for a node without a position."""
    if isinstance(node, Span):
        return node
    row = getattr(node, "lineno", None)
    end_row = getattr(node, "end_lineno", None)
    if row is None or end_row is None:
        return None
    return Span(row, getattr(node, "col_offset", 0), end_row, getattr(node, "end_col_offset", 0))


@functools.lru_cache(maxsize=4096)
def text_of(node: ast.AST) -> str:
    """The code of ``node`` as Python writes it back: one canonical form, whatever the layout.
    Kept for the nodes asked for last (by identity; trees are never changed): a loop's passes
    and the runs of each configuration ask for the same conditions again."""
    try:
        return ast.unparse(node)
    except RecursionError:
        # too deep to write back: a text of its own, equal to no other expression's
        return f"<expression at {getattr(node, 'lineno', '?')}:{getattr(node, 'col_offset', '?')}>"


class SourceLines:
    """The lines of one source text, to turn parser positions into character positions."""

    def __init__(self, source: str):
        self.source = source
        self.lines = split_rows(source)

    def _line(self, row: int) -> str:
        return self.lines[row - 1] if 1 <= row <= len(self.lines) else ""

    def character_column(self, row: int, byte_column: int) -> int:
        line = self._line(row)
        if line.isascii():
            return byte_column
        return len(line.encode("utf-8")[:byte_column].decode("utf-8", errors="replace"))

    def byte_column(self, row: int, character_column: int) -> int:
        """The inverse of ``character_column``: a character position in the parser's bytes."""
        line = self._line(row)
        if line.isascii():
            return character_column
        return len(line[:character_column].encode("utf-8"))

    # a parsed expression, statement, keyword or argument always has its position
    @overload
    def characters(self, node: Span | ast.expr | ast.stmt | ast.keyword | ast.arg) -> tuple[int, int, int, int]: ...
    @overload
    def characters(self, node: ast.AST) -> tuple[int, int, int, int] | None: ...

    def characters(self, node: ast.AST | Span) -> tuple[int, int, int, int] | None:
        """``(row, column, end_row, end_column)`` in characters, rows 1-based, columns 0-based."""
        span = span_of(node)
        if span is None:
            return None
        return (span.row, self.character_column(span.row, span.column),
                span.end_row, self.character_column(span.end_row, span.end_column))

    def segment(self, node: ast.AST | Span) -> str:
        """The exact original text of ``node``, comments and layout included."""
        position = self.characters(node)
        if position is None:
            return ""
        row, column, end_row, end_column = position
        if row == end_row:
            return self._line(row)[column:end_column]
        parts = [self._line(row)[column:]]
        parts.extend(self._line(inner) for inner in range(row + 1, end_row))
        parts.append(self._line(end_row)[:end_column])
        return "".join(parts)

    def indentation(self, row: int) -> str:
        line = self._line(row)
        return line[: len(line) - len(line.lstrip(" \t"))]


def walk(node: ast.AST):
    """Every node under ``node`` (itself first), in ``ast.walk``'s order: breadth first, each
    node's children in field order. Written out because trees are walked often, and this is
    faster than ``ast.walk``'s generator of generators."""
    todo = [node]
    at = 0
    while at < len(todo):
        node = todo[at]
        at += 1
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                todo.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append(value)
