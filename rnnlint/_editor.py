"""What the editor server shows, computed without any LSP library: the text checked (a file or a
notebook's cells), positions in the client's code units, hover texts and ``# noqa`` edits.

Stdlib only; ``rnnlint._server`` turns these into LSP messages.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._noqa import LINE_NOQA as _NOQA  # one reading of a suppression comment, the engine's
from ._source import split_rows, walk

if TYPE_CHECKING:
    from ._notebook import Notebook

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CODE = re.compile(r"RNN[0-9]{3}", re.IGNORECASE)


# --- positions ------------------------------------------------------------------------------


def to_units(line: str, column: int, encoding: str = "utf-16") -> int:
    """A character column of ``line`` in the client's code units (LSP counts UTF-16 by default)."""
    prefix = line[:column]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-32" or prefix.isascii():
        return len(prefix)
    return len(prefix.encode("utf-16-le")) // 2


def from_units(line: str, units: int, encoding: str = "utf-16") -> int:
    """The inverse of ``to_units``: a client position as a character column."""
    if encoding == "utf-32" or line.isascii():
        return min(units, len(line))
    counted = 0
    for index, character in enumerate(line):
        width = len(character.encode("utf-8")) if encoding == "utf-8" else (2 if ord(character) > 0xFFFF else 1)
        if counted + width > units:
            return index
        counted += width
    return len(line)


# --- the text checked -----------------------------------------------------------------------


@dataclass
class Part:
    """One editor document inside the program: a file, or one code cell of a notebook."""

    uri: str
    text: str
    first_row: int = 1  # its first row in the program
    cell: int | None = None  # its cell number, in a notebook

    @property
    def rows(self) -> list:
        return split_rows(self.text)


@dataclass
class Unit:
    """What is checked as one program: a file's text, or a notebook's code cells one after another."""

    path: str
    program: str
    parts: list = field(default_factory=list)
    notebook: Notebook | None = None  # for a notebook
    errors: list = field(default_factory=list)  # RNN000 of notebook cells that do not parse

    def part_at(self, row: int) -> tuple[Part | None, int]:
        """The part holding program row ``row``, and the row inside it."""
        found = None
        for part in self.parts:
            if part.first_row <= row:
                found = part
        if found is None:
            return None, row
        return found, row - found.first_row + 1

    def part_of(self, uri: str) -> Part | None:
        return next((part for part in self.parts if part.uri == uri), None)


def file_unit(uri: str, path: str, text: str) -> Unit:
    return Unit(path=path, program=text, parts=[Part(uri, text)])


def notebook_unit(path: str, cells: list) -> Unit:
    """``cells``: ``(uri, text)`` of the notebook's code cells in order."""
    from ._notebook import notebook_from_cells

    notebook = notebook_from_cells(path, [(number, text) for number, (_, text) in enumerate(cells, start=1)])
    parts = [Part(uri, cell.text, cell.first_row, cell.number)
             for (uri, _), cell in zip(cells, notebook.cells, strict=False)]
    errors = [cell.error for cell in notebook.cells if cell.error is not None]
    return Unit(path=path, program=notebook.program, parts=parts, notebook=notebook, errors=errors)


def findings_by_part(unit: Unit, findings: list) -> dict:
    """``{uri: [(finding in the part's rows, the program finding)]}`` for every part (empty lists too)."""
    from dataclasses import replace

    grouped: dict = {part.uri: [] for part in unit.parts}
    for finding in findings:
        part, row = unit.part_at(finding.row)
        if part is None:
            continue
        shift = part.first_row - 1
        end_row = max(min(finding.end_row - shift, len(part.rows)), row) if finding.end_row else row
        grouped[part.uri].append((replace(finding, row=row, end_row=end_row, cell=part.cell), finding))
    for error in unit.errors:
        part = next(part for part in unit.parts if part.cell == error.cell)
        grouped[part.uri].append((error, error))
    return grouped


# --- hover ----------------------------------------------------------------------------------


def word_at(line: str, column: int) -> tuple[str, int, int] | None:
    """The identifier under character ``column`` and its span, or None."""
    for match in _WORD.finditer(line):
        if match.start() <= column <= match.end() and (column < match.end() or match.end() == len(line.rstrip())):
            return match.group(), match.start(), match.end()
    return None


def noqa_code_at(line: str, column: int) -> str | None:
    """The rule code under ``column`` inside a ``# noqa:`` comment."""
    match = _NOQA.search(line)
    if match is None or match.group("codes") is None:
        return None
    start = match.start("codes")
    for code in _CODE.finditer(match.group("codes")):
        if start + code.start() <= column <= start + code.end():
            return code.group().upper()
    return None


def rule_hover(code: str) -> str | None:
    from .rules import RULES_BY_CODE
    from .rules._docs import rule_url

    rule = RULES_BY_CODE.get(code)
    if rule is None:
        return None
    return f"**{rule.CODE}** `{rule.NAME}`\n\n{rule.summary()}\n\n[Documentation]({rule_url(rule.CODE)})"


def facts_of(program: str, path: str):
    """The analysis facts of the whole program, or None when it does not parse."""
    from ._analysis import analyse
    from ._engine import parse_source

    tree = parse_source(program, path)
    if not isinstance(tree, ast.Module):
        return None
    try:
        return analyse(tree, program)
    except (RecursionError, Exception):  # noqa: BLE001 - a hover never breaks the editor
        return None


def shape_hover(facts, row: int, line: str, column: int) -> str | None:
    """The hover text at program ``row`` and character ``column``: a layer's configuration
    (``self.lstm``), a tensor's symbolic shape in ``forward`` (as ``rnnlint shapes`` prints it),
    the shape ``return`` gives back, or the shape of the expression under the cursor."""
    if facts is None:
        return None
    scope = _class_at(facts, row)
    if scope is None:
        return None
    names = (lambda aliases: (lambda atom: aliases.get(atom, atom)))(scope.aliases)
    found = word_at(line, column)
    word, start = (found[0], found[1]) if found else ("", column)
    if word and re.search(r"\bself\s*\.\s*$", line[:start]):
        value = scope.attributes.get(word)
        if value is not None and any(_is_layer(case) for _, case in _cases(value)):
            return f"```python\nself.{word} = {_describe(value, names)}\n```\n\nin `{scope.name}.__init__`"
        return None
    function = _function_at(scope.node, row)
    if function is None:
        return None
    if word and _names_code_at(facts, function, word, row, start):  # a name in code, not `x.size` or a comment
        named = _name_hover(scope, function, names, word, row)
        if named is not None:
            return named
    return _expression_hover(facts, scope, function, names, row, column)


def _names_code_at(facts, function, word: str, row: int, column: int) -> bool:
    """Whether the code of ``function`` has the name ``word`` (or a ``return``) starting at
    character ``column`` of ``row``: not in a comment, a string or an attribute."""
    for node in walk(function):
        if getattr(node, "lineno", None) != row:
            continue
        if ((isinstance(node, ast.Name) and node.id == word) or (isinstance(node, ast.Return) and word == "return")) \
                and facts.lines.character_column(row, node.col_offset) == column:
            return True
    return False


def _name_hover(scope, function, names, label: str, row: int) -> str | None:
    first, last = function.lineno, function.end_lineno or function.lineno
    # a name is shown as the latest statement of this function before the hover bound it
    notes = [(note.node.lineno, text, note) for note in scope.shape_notes if first <= note.node.lineno <= min(row, last)
             for bound, text in _bindings(note, names) if bound == label]
    if not notes:
        return None
    latest = max(lineno for lineno, _, _ in notes)
    texts = list(dict.fromkeys(text for lineno, text, _ in notes if lineno == latest))
    shown = "\n".join(f"{label}: {text}" for text in texts)
    where = f"line {latest}" if latest != row else "this line"
    origins = list(dict.fromkeys(origin for lineno, _, note in notes if lineno == latest
                                 for origin in _origins(note.value, names)))
    sizes = "".join(f"\n\nsizes from {origin}" for origin in origins)
    return f"```\n{shown}\n```\n\nin `{scope.name}.{function.name}`, from {where}{sizes}"


def _expression_hover(facts, scope, function, names, row: int, column: int) -> str | None:
    """The smallest expression under the cursor whose value the analysis recorded: the value of
    a statement (``out[:, -1]`` in ``last = out[:, -1]``), an argument of a layer call, the
    input of a recurrent call."""
    first, last = function.lineno, function.end_lineno or function.lineno
    best = None
    for node, value in _recorded_expressions(scope):
        position = facts.lines.characters(node)
        if position is None or not first <= position[0] <= last:
            continue
        start, end = (position[0], position[1]), (position[2], position[3])
        if not start <= (row, column) < end:
            continue
        size = (position[2] - position[0], position[3] - position[1] if position[0] == position[2] else 0)
        if best is None or size < best[0]:
            best = (size, node, [value])
        elif size == best[0] and node is best[1]:
            best[2].append(value)
    if best is None:
        return None
    _, node, values = best
    texts = list(dict.fromkeys(_describe(value, names) for value in values))
    texts = [text for text in texts if text not in ("?", "tensor")]
    if not texts:
        return None
    shown = facts.lines.segment(node).replace("\n", " ")
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"```\n{shown}: {' | '.join(texts)}\n```\n\nin `{scope.name}.{function.name}`"


def _recorded_expressions(scope):
    """``(expression node, value)`` pairs the facts hold for one class."""
    for note in scope.shape_notes:
        statement = note.node
        value_node = getattr(statement, "value", None)
        if isinstance(value_node, ast.expr):
            yield value_node, note.value
    from ._analysis import LayerCall, RnnCall

    for event in scope.events:
        if isinstance(event, LayerCall):
            for argument, value in zip(event.node.args, event.args, strict=False):
                if not isinstance(argument, ast.Starred):
                    yield argument, value
        elif isinstance(event, RnnCall):
            if event.input_node is not None:
                yield event.input_node, event.input
            if event.hx_node is not None and event.hx is not None:
                yield event.hx_node, event.hx


def _origins(value, names) -> list:
    """The recurrent layers a value comes straight from (``output``, ``h_n``, ``c_n`` or the
    whole result of a call, not what a head made of them): ``self.lstm = LSTM(...)``."""
    found = []
    for _, case in _cases(value):
        for part in [case, *(case.items if _is_tuple(case) else ())]:
            for _, inner in _cases(part):
                layer = getattr(inner, "rnn", None) if getattr(inner, "origin", None) else None
                name = getattr(layer, "name", "") if _is_layer(layer) else ""
                if name and layer is not None:
                    shown = name if name.startswith("self.") else f"self.{name}"
                    found.append(f"`{shown} = {layer.describe(names)}`")
    return found


def _class_at(facts, row: int):
    for scope in facts.scopes:
        node = scope.node
        if scope.kind == "class" and node.lineno <= row <= (node.end_lineno or node.lineno):
            return scope
    return None


def _function_at(node, row: int):
    """The innermost function of class ``node`` whose lines hold ``row``."""
    found = None
    for inner in walk(node):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and inner.lineno <= row <= (inner.end_lineno or inner.lineno) \
                and (found is None or inner.lineno >= found.lineno):
            found = inner
    return found


def _cases(value):
    """``(guard, value)`` for each alternative of ``value`` (one, unguarded, for a plain value)."""
    alternatives = getattr(value, "cases", None)
    if isinstance(alternatives, tuple):
        yield from alternatives
    else:
        yield frozenset(), value


def _is_layer(case) -> bool:
    return hasattr(case, "kind") and hasattr(case, "params")


def _is_tuple(case) -> bool:
    return isinstance(getattr(case, "items", None), tuple) and hasattr(case, "origin")


def _guard_text(guard) -> str:
    return " and ".join(atom if truth else f"not {atom}" for atom, truth in sorted(guard))


def _describe(value, names) -> str:
    return " | ".join(f"{case.describe(names)} if {_guard_text(guard)}" if guard else case.describe(names)
                      for guard, case in _cases(value))


def _bindings(note, names):
    """``(name, shape text)`` for each name a forward statement binds: ``out, (h, c) = ...``
    gives three."""
    statement = note.node
    target = statement.targets[0] if isinstance(statement, ast.Assign) else getattr(statement, "target", None)
    if isinstance(target, (ast.Tuple, ast.List)):
        yield from _unpack(target, [(frozenset(), note.value)], names)
        return
    yield note.name, _describe(note.value, names)


def _unpack(target, options: list, names):
    """``options``: ``(guard, value)`` pairs, the value being unpacked into ``target``."""
    count = len(target.elts)
    for index, inner in enumerate(target.elts):
        items = []
        for outer_guard, value in options:
            for guard, case in _cases(value):
                item = case.items[index] if _is_tuple(case) and len(case.items) == count else None
                items.append((outer_guard | guard, item))
        if isinstance(inner, (ast.Tuple, ast.List)):
            yield from _unpack(inner, [(guard, item) for guard, item in items if item is not None], names)
        elif isinstance(inner, ast.Name) and inner.id != "_":
            shown = [f"{item.describe(names)} if {_guard_text(guard)}" if guard else item.describe(names)
                     for guard, item in items if item is not None]
            if shown:
                yield inner.id, " | ".join(shown)


# --- noqa ---------------------------------------------------------------------------------


def noqa_edit(line: str, code: str) -> tuple[int, int, str] | None:
    """``(start, end, text)``: the character span of ``line`` to replace so that it carries
    ``# noqa: CODE``; None when a ``# noqa`` there already covers the code."""
    body = line.rstrip("\r\n")
    match = _NOQA.search(body)
    if match is not None:
        codes = match.group("codes")
        if codes is None or code in re.split(r"[,\s]+", codes.upper()):
            return None
        end = match.end("codes")
        return end, end, f", {code}"
    end = len(body)
    gap = "  " if body.strip() else ""
    return len(body.rstrip()), end, f"{gap}# noqa: {code}"
