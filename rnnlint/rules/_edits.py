"""Text positions for building fixes.

Python's parser leaves an argument's parentheses and its comma out of every span, and a fix
must remove or keep them exactly: positions here are ``(row, column)`` in characters, rows
1-based, between code characters found by skipping layout and comments from the parser's
positions.
"""

from __future__ import annotations

import ast

from .._source import SourceLines, Span


class Argument:
    """One argument of a call as written: its node (an expression, ``ast.Starred`` or
    ``ast.keyword``), where it starts and ends (its own parentheses included) and where the
    comma after it is (None when none follows)."""

    __slots__ = ("node", "start", "end", "comma")

    def __init__(self, node: ast.AST, start: tuple, end: tuple, comma: tuple | None):
        self.node, self.start, self.end, self.comma = node, start, end, comma


def arguments_of(call: ast.Call, lines: SourceLines) -> list[Argument]:
    """The arguments of ``call`` in the order they are written."""
    _, _, end_row, end_column = lines.characters(call)
    closing = (end_row, end_column - 1)
    func_end, _ = past_parentheses(lines, lines.characters(call.func)[2:], closing)
    opening = code_after(lines, func_end)
    nodes = sorted(call.args + call.keywords, key=lambda node: (node.lineno, node.col_offset))
    found = []
    for node in nodes:
        row, column, end_row, end_column = lines.characters(node)
        # an argument starts where the code after the call's `(` or the previous comma does
        after = found[-1].comma if found else opening
        start = min(code_after(lines, next_column(after)), (row, column)) if after else (row, column)
        end, comma = past_parentheses(lines, (end_row, end_column), closing)
        found.append(Argument(node, start, end, comma))
    return found


def past_parentheses(lines: SourceLines, position: tuple, limit: tuple) -> tuple:
    """``(end, comma)``: the end of an expression ending at ``position`` with the closing
    parentheses that wrap it (none at or after ``limit``), and the comma after it, or None."""
    end = position
    while True:
        found = code_after(lines, end)
        if found >= limit:
            return end, None
        character = lines.lines[found[0] - 1][found[1]]
        if character == ")":
            end = next_column(found)
        else:
            return end, found if character == "," else None


def code_after(lines: SourceLines, position: tuple) -> tuple:
    """The first position at or after ``position`` that holds code: layout, comments and line
    continuations skipped; ``(rows + 1, 0)`` past the end."""
    row, column = position
    while row <= len(lines.lines):
        line = lines.lines[row - 1]
        while column < len(line):
            character = line[column]
            if character == "#" or (character == "\\" and not line[column + 1:].strip()):
                break
            if not character.isspace():
                return row, column
            column += 1
        row, column = row + 1, 0
    return row, 0


def span_between(lines: SourceLines, start: tuple, end: tuple) -> Span:
    """The span from ``start`` to ``end`` (characters) in the parser's coordinates (UTF-8 bytes)."""
    return Span(start[0], lines.byte_column(*start), end[0], lines.byte_column(*end))


def text_between(lines: SourceLines, start: tuple, end: tuple) -> str:
    return lines.segment(span_between(lines, start, end))


def next_column(position: tuple) -> tuple:
    return position[0], position[1] + 1
