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

    __slots__ = ("comma", "end", "node", "start")

    def __init__(self, node: ast.AST, start: tuple, end: tuple, comma: tuple | None):
        self.node, self.start, self.end, self.comma = node, start, end, comma


def arguments_of(call: ast.Call, lines: SourceLines) -> list[Argument]:
    """The arguments of ``call`` in the order they are written."""
    _, _, end_row, end_column = lines.characters(call)
    closing = (end_row, end_column - 1)
    func_end, _ = past_parentheses(lines, lines.characters(call.func)[2:], closing)
    opening = code_after(lines, func_end)
    written: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    nodes = sorted(written, key=lambda node: (node.lineno, node.col_offset))
    found: list[Argument] = []
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


def add_keyword(call: ast.Call, keyword: str, text: str, lines: SourceLines) -> tuple:
    """The edit that appends ``keyword=text`` to the arguments of ``call``, laid out like them:
    on a line of its own when they take one a line, after any trailing comma, comments kept on
    their lines. Nothing when the call has no arguments to follow."""
    found = arguments_of(call, lines)
    if not found:
        return ()
    last = found[-1]
    separator, indentation = ", ", None
    if len(found) > 1:
        # one argument a line: the new one goes on a line of its own, indented like the last
        comma = found[-2].comma
        assert comma is not None  # an argument before another is followed by a comma
        spacing = text_between(lines, next_column(comma), last.start)
        if _breaks_line(spacing):
            indentation = _last_line(spacing)
            separator = "," + _newline(spacing) + indentation
    # what follows the last argument (a trailing comma's spacing, or the spacing before `)`)
    _, _, end_row, end_column = lines.characters(call)
    tail = text_between(lines, next_column(last.comma) if last.comma else last.end, (end_row, end_column - 1))
    if indentation is not None and _breaks_line(tail):
        # a comment after the last argument stays on its line
        separator = "," + tail[: len(tail) - len(_last_line(tail))] + indentation
        tail = _newline(tail) + _last_line(tail)
    if last.comma:
        # the trailing comma, with any spacing before it, now follows the added keyword
        tail = text_between(lines, last.end, last.comma) + "," + tail
    start = lines.characters(call)[:2]
    new = f"{text_between(lines, start, last.end)}{separator}{keyword}={text}{tail})"
    return ((call, new),)


def _breaks_line(spacing: str) -> bool:
    """Whether layout between arguments goes to another line (a line continuation does not)."""
    return "\n" in spacing.replace("\\\r\n", "").replace("\\\n", "")


def _newline(spacing: str) -> str:
    return "\r\n" if "\r\n" in spacing else "\n"


def _last_line(spacing: str) -> str:
    """The indentation before the code that follows ``spacing``."""
    return spacing[spacing.rfind("\n") + 1:]
