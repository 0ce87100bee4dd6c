"""Jupyter notebooks (``.ipynb``, nbformat 4): their code cells as one program, and back.

Stdlib only (``json``); no Jupyter needed. IPython syntax is blanked row for row, so a
position in the program is a position in a cell.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass, field, replace

from ._engine import PARSE_ERROR_CODE, syntax_error_message
from ._finding import Edit, Finding, Fix
from ._source import split_rows

# cell magics whose body is Python run as written: the body is checked, the magic line blanked
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
# a line of IPython syntax: `%magic`, `!shell`, `?help`, `x = !ls`, `x = %env`
_MAGIC_LINE = re.compile(r"^[ \t]*(?:[%!?]|[A-Za-z_][\w.,\s]*=[ \t]*[%!])")
# `obj?`, `obj??` and `%psearch a*?`: help syntax at the end of a line
_HELP_LINE = re.compile(r"^[ \t]*[A-Za-z_][\w.]*(?:\(\))?[ \t]*\?\??[ \t]*$")


class NotebookError(Exception):
    """A file that is not a notebook rnnlint can read; the message is one line."""


@dataclass
class Cell:
    number: int  # counted from 1 over all cells, code or not
    text: str  # the source as written
    blanked: str  # the source as checked: IPython syntax blanked, earlier versions of names renamed, row for row
    parses: bool = True
    error: Finding | None = None
    first_row: int = 0  # its first row in the program (0: not in the program)


@dataclass
class Notebook:
    """The code cells of one notebook and the program made of them."""

    path: str
    text: str
    cells: list = field(default_factory=list)  # code cells only, in order
    program: str = ""
    python: bool = True  # False for a notebook of another language: nothing to check
    bom: bool = False  # the file starts with a UTF-8 byte order mark
    aliases: dict = field(default_factory=dict)  # alias -> the name bound again in a later cell

    def cell_at(self, row: int) -> tuple[Cell | None, int]:
        """The cell holding program row ``row`` and the row inside it (1-based)."""
        found = None
        for cell in self.cells:
            if cell.first_row and cell.first_row <= row:
                found = cell
        if found is None:
            return None, row
        return found, row - found.first_row + 1


# --- reading --------------------------------------------------------------------------------


def read_notebook(text: str, path: str, rename: bool = True) -> Notebook:
    """Parse a notebook's JSON; ``NotebookError`` says in one line why it cannot be read."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"not a valid notebook: invalid JSON: {error}") from None
    except RecursionError:
        raise NotebookError("not a valid notebook: JSON nested too deep") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a valid notebook: no list of cells (only nbformat 4 is read)")
    notebook = Notebook(path=path, text=text, python=_is_python(data))
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            cell_text = "".join(source)
        elif isinstance(source, str):
            cell_text = source
        else:
            raise NotebookError(f"not a valid notebook: cell {number}: source is neither text nor a list of lines")
        notebook.cells.append(Cell(number, cell_text, blank_ipython(cell_text)))
    _build_program(notebook, rename)
    return notebook


def notebook_from_cells(path: str, cells: list) -> Notebook:
    """A notebook made of ``(number, text)`` code cells, as an editor holds them."""
    notebook = Notebook(path=path, text="")
    notebook.cells = [Cell(number, text, blank_ipython(text)) for number, text in cells]
    _build_program(notebook)
    return notebook


def _is_python(data: dict) -> bool:
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return True
    language = metadata.get("language_info", {})
    name = language.get("name") if isinstance(language, dict) else None
    if name is None:
        kernel = metadata.get("kernelspec", {})
        name = kernel.get("language") if isinstance(kernel, dict) else None
    # no language said: nbformat's default kernel is Python
    return name is None or str(name).lower() in ("python", "python3", "ipython", "ipython3")


def _build_program(notebook: Notebook, rename: bool = True) -> None:
    """Code cells one after the other; a cell that does not parse alone stays out (as blank
    rows) and is an RNN000 finding of its own: IPython runs each cell on its own too."""
    texts, definitions, bodies = [], [], []  # definitions: (name, cell index, row, kind) bound at the top level
    for index, cell in enumerate(notebook.cells):
        text = cell.blanked if cell.blanked.endswith(("\n", "\r")) or not cell.blanked else cell.blanked + "\n"
        try:
            tree = ast.parse(text, filename=notebook.path)
        except SyntaxError as error:
            cell.parses = False
            cell.error = Finding(notebook.path, error.lineno or 1, max((error.offset or 1) - 1, 0), PARSE_ERROR_CODE,
                                 syntax_error_message(text, error), name="syntax-error", cell=cell.number)
        except (ValueError, MemoryError, RecursionError) as error:
            cell.parses = False
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            cell.error = Finding(notebook.path, 1, 0, PARSE_ERROR_CODE, f"cannot parse cell: {message}",
                                 name="syntax-error", cell=cell.number)
        cell_bodies = []
        if cell.parses:
            for node in tree.body:
                if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    definitions.append((node.name, index, node.lineno, "definition"))
                    cell_bodies.append((node.body[0].lineno, node.end_lineno or node.lineno))
                else:
                    definitions.extend((name, index, node.lineno, "variable") for name in _bound_names(node))
        else:
            text = "\n" * len(split_rows(text))
        texts.append(text)
        bodies.append(cell_bodies)
    if rename:
        texts = _rename_redefinitions(texts, definitions, bodies, notebook.aliases)
    parts, row = [], 1
    for cell, text in zip(notebook.cells, texts, strict=False):
        if cell.parses:
            cell.blanked = text if cell.blanked.endswith(("\n", "\r")) or not cell.blanked else text[:-1]
        cell.first_row = row
        parts.append(text)
        row += len(split_rows(text))
    notebook.program = "".join(parts)


def _rename_redefinitions(texts: list, definitions: list, bodies: list, aliases: dict) -> list:
    """A name bound again in a later statement (as notebooks are written: a class, a constant or
    a model, one version after the other) is several things. A use in top-level code means the
    version bound above it; so does a use inside a class or function that is defined again (a
    new version is a new definition). Inside a function or class body a module-level variable
    is read when the code runs, so which version it sees is unknown: it gets a name nothing
    binds. Versions but the last get names of their own, of the same length, so columns hold."""
    by_name: dict = {}
    for name, index, row, kind in definitions:
        by_name.setdefault(name, []).append((index, row, kind))
    repeated = {name: places for name, places in by_name.items() if len(places) > 1}
    if not repeated:
        return texts
    taken = set(_IDENTIFIER.findall("".join(texts)))
    rows = [split_rows(text) for text in texts]
    tokens = [_name_tokens(text, repeated) for text in texts]
    for name, places in repeated.items():
        versions = []  # (cell index, row, alias or None for the last version)
        for number, (index, row, _) in enumerate(places):
            alias = None if number == len(places) - 1 else _same_length_alias(name, taken)
            if number < len(places) - 1 and alias is None:
                break  # no name of the same length is free: leave this name as it is
            taken.add(alias)
            versions.append((index, row, alias))
        else:
            variable = any(kind == "variable" for _, _, kind in places)
            unbound = _same_length_alias(name, taken) if variable else None
            taken.add(unbound)
            for alias in (alias for _, _, alias in versions):
                if alias:
                    aliases[alias] = name
            if unbound:
                aliases[unbound] = name

            def choose(cell: int, row: int, versions=versions, unbound=unbound, variable=variable):
                if variable and any(first <= row <= last for first, last in bodies[cell]):
                    return unbound
                current = [alias for index, first, alias in versions if (index, first) <= (cell, row)]
                return current[-1] if current else None

            for cell, cell_tokens in enumerate(tokens):
                for row, column in cell_tokens.get(name, ()):
                    alias = choose(cell, row)
                    if alias is not None:
                        line = rows[cell][row - 1]
                        rows[cell][row - 1] = line[:column] + alias + line[column + len(name):]
    return ["".join(cell_rows) for cell_rows in rows]


def _bound_names(statement) -> list:
    """The names a top-level assignment binds: ``x = ...``, ``a, b = ...``, ``x: int = ...``, ``x += 1``."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target] if getattr(statement, "value", None) is not None else []
    else:
        return []
    names = []
    for target in targets:
        pending = [target]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.Name):
                names.append(node.id)
            elif isinstance(node, (ast.Tuple, ast.List)):
                pending.extend(node.elts)
            elif isinstance(node, ast.Starred):
                pending.append(node.value)
    return names


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _same_length_alias(name: str, taken: set) -> str | None:
    letters = "ZQXJKVWYzqxjkvwy0123456789"
    for position in range(len(name) - 1, -1, -1):
        for letter in letters:
            if position == 0 and letter.isdigit():
                continue
            alias = name[:position] + letter + name[position + 1:]
            if alias != name and alias not in taken:
                return alias
    return None


def _name_tokens(text: str, wanted) -> dict:
    """``{name: [(row, column), ...]}``: where the names in ``wanted`` are used or bound in
    ``text`` (attributes ``x.name``, strings and comments left out)."""
    found: dict = {}
    if not any(name in text for name in wanted):
        return found
    try:
        previous = None
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME and token.string in wanted \
                    and not (previous is not None and previous.type == tokenize.OP and previous.string == "."):
                found.setdefault(token.string, []).append(token.start)
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                previous = token
    except (tokenize.TokenError, SyntaxError):
        return {}
    return found


def _rename_in_rows(rows: list, name: str, choose) -> list:
    """``rows`` with each name token ``name`` (not an attribute ``x.name``) renamed to what
    ``choose(row)`` says (None: kept)."""
    text = "".join(rows)
    if name not in text:
        return rows
    spots = []
    try:
        previous = None
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME and token.string == name \
                    and not (previous is not None and previous.type == tokenize.OP and previous.string == "."):
                alias = choose(token.start[0])
                if alias is not None:
                    spots.append((token.start, alias))
            if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                previous = token
    except (tokenize.TokenError, SyntaxError):
        return rows
    renamed = list(rows)
    for (row, column), alias in spots:
        line = renamed[row - 1]
        renamed[row - 1] = line[:column] + alias + line[column + len(name):]
    return renamed


def blank_ipython(text: str) -> str:
    """``text`` with IPython syntax (magics, shell escapes, help) replaced row for row: at the
    top level by an empty row, in an indented block by ``pass`` (the block stays a block)."""
    lines = split_rows(text)
    if not lines:
        return text
    first = lines[0].lstrip()
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if first[2:].split() else ""
        if magic not in _PYTHON_CELL_MAGICS:
            return "".join(_ending(line) for line in lines)  # the body is not Python (%%bash, %%html)
        candidates = {0}
    else:
        candidates = set()
    continued = after_backslash = False
    continuations = set()  # rows that go on a magic's line: its own row holds the placeholder
    for index, line in enumerate(lines):
        if continued:
            continuations.add(index)
        if continued or (not after_backslash and (_MAGIC_LINE.match(line) or _HELP_LINE.match(line.rstrip("\r\n")))):
            candidates.add(index)
        after_backslash = line.rstrip("\r\n").endswith("\\")
        continued = index in candidates and after_backslash
    if not candidates:
        return text
    blanked, previous = [], None  # previous: the last row of code kept, for the placeholder's indentation
    for index, line in enumerate(lines):
        if index in continuations:
            blanked.append(_ending(line))
            continue
        if index in candidates:
            blanked.append(_placeholder(line, previous))
            continue
        blanked.append(line)
        if line.strip() and not line.lstrip().startswith("#"):
            previous = line
    # a candidate inside a multi-line string or brackets is ordinary text: put it back
    for index in _inside_tokens("".join(blanked), candidates):
        blanked[index] = lines[index]
    return "".join(blanked)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _placeholder(line: str, previous: str | None) -> str:
    """An empty row, or ``pass`` where the row is the body of a block (an empty row would end it)."""
    indentation = _indentation(line)
    if previous is None:
        indentation = ""
    elif not previous.split("#", 1)[0].rstrip().endswith(":") or len(indentation) <= len(_indentation(previous)):
        indentation = min(indentation, _indentation(previous), key=len)
    return (f"{indentation}pass" if indentation else "") + _ending(line)


def _indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _inside_tokens(text: str, candidates: set) -> set:
    """The candidate rows (0-based) that lie inside a string or an open bracket."""
    inside: set = set()
    depth, last_row = 0, 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            start, end = token.start[0] - 1, token.end[0] - 1
            if token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                inside.update(row for row in range(start + 1, end + 1) if row in candidates)
            if depth:
                inside.update(row for row in range(last_row + 1, start + 1) if row in candidates)
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth = max(0, depth - 1)
            last_row = end
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # the cell does not tokenize: it will not parse either, and is reported as such
    return inside


# --- positions ------------------------------------------------------------------------------


def to_cells(notebook: Notebook, finding: Finding) -> Finding:
    """A finding on the program, told in its cell's rows (columns are the same)."""
    cell, row = notebook.cell_at(finding.row)
    if cell is None:
        return finding
    offset = cell.first_row - 1
    last = cell.first_row + len(split_rows(cell.blanked)) - 1
    end_row = min(finding.end_row, last) - offset if finding.end_row else 0
    fix = finding.fix
    if fix is not None:
        edits = tuple(Edit(edit.content, edit.row - offset, edit.column, edit.end_row - offset, edit.end_column)
                      for edit in fix.edits)
        fix = Fix(fix.title, fix.safe, edits)
    return replace(finding, row=row, end_row=max(end_row, 0), fix=fix, cell=cell.number)


def cell_findings(notebook: Notebook, findings: list) -> list:
    """The program's findings in cell positions, with the RNN000 of each cell that does not parse."""
    mapped = [to_cells(notebook, finding) for finding in findings]
    mapped.extend(cell.error for cell in notebook.cells if cell.error is not None)
    return sorted(mapped, key=lambda f: (f.path, f.cell or 0, f.row, f.column, f.code))


# --- writing back ---------------------------------------------------------------------------


def fixed_cells(notebook: Notebook, fixed_program: str) -> dict:
    """``{cell number: new source}`` for the cells a fix changed; IPython rows as written."""
    import difflib

    rows = split_rows(fixed_program)
    original_rows = split_rows(notebook.program)
    matcher = difflib.SequenceMatcher(a=original_rows, b=rows, autojunk=False)
    changed: dict = {}  # cell number -> list of (start, end, new rows) in the cell's rows (0-based)
    owner = {}
    for cell in notebook.cells:
        count = len(split_rows(cell.blanked))
        for inner in range(count):
            owner[cell.first_row - 1 + inner] = (cell, inner)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        spanned = {owner[row][0].number for row in range(a_start, a_end) if row in owner}
        anchor = owner.get(a_start) or owner.get(a_start - 1)
        if not spanned and anchor is None:
            return {}
        if a_start in owner:
            cell, start = owner[a_start]
        else:
            assert anchor is not None  # a change inside a cell has an anchor
            cell, start = anchor[0], anchor[1] + 1
        if len(spanned) > 1 or not cell.parses:
            return {}  # a change across cells cannot be written back to one of them
        changed.setdefault(cell.number, []).append((start, start + (a_end - a_start), rows[b_start:b_end]))
    result = {}
    for cell in notebook.cells:
        if cell.number not in changed:
            continue
        original = split_rows(cell.text)
        blanked = split_rows(cell.blanked)
        new_rows = list(original)
        for start, end, replacement in sorted(changed[cell.number], reverse=True):
            if any(original[index] != blanked[index] for index in range(start, min(end, len(original)))):
                return {}  # a fix on a row of IPython syntax or a renamed name: leave the notebook as it is
            if uses_alias(notebook, "".join(replacement)):
                return {}  # a fix written with a name only the checked program has
            new_rows[start:end] = replacement
        text = "".join(new_rows)
        if not cell.text.endswith("\n") and text.endswith("\n"):
            text = text[:-1]  # the program ends each cell with a newline; the cell did not
        if text != cell.text:
            result[cell.number] = text
    return result


def uses_alias(notebook: Notebook, text: str) -> bool:
    """Whether ``text`` names one of the aliases given to earlier versions of a name (nothing
    the user wrote has them: they were chosen free)."""
    return bool(notebook.aliases) and any(word in notebook.aliases for word in _IDENTIFIER.findall(text))


def write_cells(text: str, sources: dict) -> str:
    """The notebook's JSON ``text`` with the ``source`` of the cells in ``sources`` replaced,
    and every other byte as it was (outputs, counts, metadata, ids, indentation, key order)."""
    try:
        spans = _source_spans(text)
    except (ValueError, IndexError, RecursionError):
        raise NotebookError("cannot find the cells' source in the file") from None
    pieces, last = [], 0
    for number in sorted(sources):
        if number not in spans:
            raise NotebookError(f"cell {number}: no source to write")
        start, end = spans[number]
        pieces.append(text[last:start])
        pieces.append(_format_source(text[start:end], sources[number], not text.isascii()))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _source_spans(text: str) -> dict:
    """``{cell number: (start, end)}``: where each cell's ``source`` value lies in ``text``."""
    decoder = json.JSONDecoder()
    spans: dict = {}

    def skip(index: int) -> int:
        blank = _WHITESPACE.match(text, index)
        assert blank is not None  # it matches the empty string too
        return blank.end()

    def members(index: int):
        """(key, value start, value end) of the object starting at ``index``."""
        index = skip(index)
        if text[index] != "{":
            raise NotebookError("not a valid notebook: expected an object")
        index = skip(index + 1)
        if text[index] == "}":
            return
        while True:
            key, index = json.decoder.scanstring(text, skip(index) + 1)  # type: ignore[attr-defined]  # not in typeshed
            index = skip(skip(index) + 1)  # past the colon
            _, end = decoder.raw_decode(text, index)
            yield key, index, end
            index = skip(end)
            if text[index] == "}":
                return
            index += 1

    for key, start, _ in members(0):
        if key != "cells":
            continue
        index = skip(start + 1)
        number = 0
        while text[index] != "]":
            number += 1
            for inner, value_start, value_end in members(index):
                if inner == "source":
                    spans[number] = (value_start, value_end)
            _, index = decoder.raw_decode(text, index)
            index = skip(index)
            if text[index] == ",":
                index = skip(index + 1)
    return spans


def _format_source(old: str, new: str, keep_unicode: bool) -> str:
    """``new`` written as ``old`` was: one string, or a list of lines laid out like the old list."""
    def dump(item) -> str:
        return json.dumps(item, ensure_ascii=not keep_unicode)

    if old.lstrip().startswith('"'):
        return dump(new)
    lines = new.splitlines(keepends=True)
    if not lines:
        return "[]"
    match = re.match(r"\[(\s*)", old)
    item_gap = match.group(1) if match else ""
    closing = re.search(r"(\s*)\]\s*$", old)
    close_gap = closing.group(1) if closing and "\n" in item_gap else ""
    if old.strip() == "[]":
        item_gap, close_gap = "", ""
    separator = "," + (item_gap if "\n" in item_gap else " " if ", " in old else "")
    return "[" + item_gap + separator.join(dump(line) for line in lines) + close_gap + "]"


def cell_diffs(notebook: Notebook, sources: dict) -> str:
    """A unified diff per changed cell, named ``a/PATH:cell N``."""
    import difflib

    texts = {cell.number: cell.text for cell in notebook.cells}
    out = []
    for number in sorted(sources):
        before = texts[number] if texts[number].endswith("\n") else texts[number] + "\n"
        after = sources[number] if sources[number].endswith("\n") else sources[number] + "\n"
        out.append("".join(difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True),
            fromfile=f"a/{notebook.path}:cell {number}", tofile=f"b/{notebook.path}:cell {number}",
        )))
    return "".join(out)


def notebook_text(text: str, path: str) -> str:
    """A notebook's code cells as one program (a cell that does not parse left blank; a class
    defined in several cells is its last version)."""
    return read_notebook(text, path, rename=False).program


def check_notebook(text: str, path: str, config, fix: bool = False, unsafe_fixes: bool = False):
    """Lint one notebook's JSON text: ``(findings in cell positions, fixed JSON text or None,
    warnings)``; ``NotebookError`` when it is not a notebook."""
    from ._engine import check_source

    notebook = read_notebook(text, path)
    if not notebook.python:
        return [], None, []
    result = check_source(notebook.program, path, config, fix=fix, unsafe_fixes=unsafe_fixes)
    new_text = None
    if result.fixed_source is not None:
        sources = fixed_cells(notebook, result.fixed_source)
        new_text = write_cells(text, sources) if sources else None
    return cell_findings(notebook, result.findings), new_text, result.warnings
