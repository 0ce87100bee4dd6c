"""The only caller of rules: prefilter, parse, analyse, run, suppress, fix.

Positions are computed only for files that have a finding; libcst is imported only when
a file passes the prefilter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ._config import Config
from ._finding import Edit, Finding, Fix

# The analysis only knows recurrent modules reached through torch.nn: `<alias>.LSTM` or a name
# imported from a torch module. A file with neither cannot produce a finding.
_RECURRENT_NAMES = ("RNN", "LSTM", "GRU")
_RECURRENT_WORD = re.compile(r"\b(?:RNN|LSTM|GRU)\b")
_RECURRENT_ATTRIBUTE = re.compile(r"\.\s*(?:RNN|LSTM|GRU)\b")
_RECURRENT_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+torch(?:\.[\w.]+)?[ \t]+import[ \t]+(?:\([^)]*|[^\n]*)\b(?:RNN|LSTM|GRU)\b", re.MULTILINE
)
_NOQA = re.compile(r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
PARSE_ERROR_CODE = "RNN000"
MAX_FIX_PASSES = 10


@dataclass
class FileResult:
    """Findings of one file, and the fixed source when fixes were applied."""

    path: str
    findings: list = field(default_factory=list)
    fixed_source: str | None = None
    warnings: list = field(default_factory=list)


def needs_analysis(source: str) -> bool:
    """The cheap prefilter: can this file matter at all? (A test proves it loses no finding.)"""
    # plain substring tests first: ten times faster than any regex on the files that do not matter
    if "RNN" not in source and "LSTM" not in source and "GRU" not in source:
        return False
    if _RECURRENT_WORD.search(source) is None:
        return False
    return _RECURRENT_ATTRIBUTE.search(source) is not None or _RECURRENT_IMPORT.search(source) is not None


def lint_source(source: str, path: str = "<string>", config: Config | None = None) -> list[Finding]:
    """Lint one file's text; never raises for bad input.

    >>> lint_source("import torch.nn as nn\\nrnn = nn.LSTM(8, 16, num_layers=0)\\n")[0].code
    'RNN011'
    """
    return check_source(source, path, config or Config()).findings


def may_construct_recurrent_module(source: str) -> bool:
    """The second, exact prefilter: is a recurrent class used as a value anywhere?"""
    return analysis_source(source) is not None


# Above this much selected code, the analysis reads one group of definitions at a time: a
# parse tree is dropped before the next is built, and libcst's cost stays linear in the size.
PART_LIMIT = 120_000
_UNPARSABLE = object()


def _selection(source: str):
    """The top-level definitions the analysis needs, read with Python's own (fast) parser.

    None when no recurrent class is used as a value anywhere but in ``isinstance``/``issubclass``
    tests and comparisons: only such a use can build a module the analysis knows.
    """
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _UNPARSABLE
    names = set(_RECURRENT_NAMES)
    for node in tree.body:  # `from torch.nn import LSTM as L` binds `L`
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names if alias.name in _RECURRENT_NAMES)
    uses_recurrent, used = _scan(tree, names)
    if not uses_recurrent:
        return None
    definitions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    seeds = [node for node in definitions if used[id(node)] & names]
    return tree, definitions, used, seeds


def _closure(start: list, definitions: list, used: dict) -> set:
    """``start`` with what it names (bases, submodules, helpers) and what names it (builders)."""
    kept = {id(node) for node in start}
    changed = True
    while changed:
        kept_names = {node.name for node in definitions if id(node) in kept}
        kept_uses = set().union(*(used[id(node)] for node in definitions if id(node) in kept))
        changed = False
        for node in definitions:
            if id(node) not in kept and (node.name in kept_uses or used[id(node)] & kept_names):
                kept.add(id(node))
                changed = True
    return kept


def _span(node) -> tuple:
    """First and last line of a top-level statement, decorators included."""
    first = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
    return first, node.end_lineno


def analysis_source(source: str) -> str | None:
    """What the analysis needs to read of ``source``: None when nothing, else the source with
    the top-level functions and classes that cannot matter blanked out, line for line, so every
    position stays where it was. A file Python cannot parse is returned whole, for libcst to
    report its error."""
    selection = _selection(source)
    if selection is None or selection is _UNPARSABLE:
        return None if selection is None else source
    _, definitions, used, seeds = selection
    return _blanked(source, definitions, _closure(seeds, definitions, used))


def _blanked(source: str, definitions: list, kept: set) -> str:
    """``source`` with the top-level definitions not in ``kept`` blanked, line for line."""
    dropped = [node for node in definitions if id(node) not in kept]
    if not dropped:
        return source
    lines = source.splitlines(keepends=True)
    for node in dropped:
        first, last = _span(node)
        for index in range(first - 1, last):
            line = lines[index]
            lines[index] = line[len(line.rstrip("\r\n")):]  # keep only the line ending
    return "".join(lines)


def analysis_parts(source: str) -> list | None:
    """``[(text, rows)]`` to analyse, or None. ``rows`` maps each line of ``text`` to its row in
    ``source`` (None: the same rows). A large selection is split into groups of definitions,
    each with the module's other statements (imports, constants) and what it depends on."""
    selection = _selection(source)
    if selection is None:
        return None
    if selection is _UNPARSABLE:
        return [(source, None)]
    tree, definitions, used, seeds = selection
    kept = _closure(seeds, definitions, used)
    lines = source.splitlines(keepends=True)
    selected = sum(_span(node)[1] - _span(node)[0] + 1 for node in definitions if id(node) in kept)
    if selected * (len(source) / max(len(lines), 1)) <= PART_LIMIT or len(seeds) < 2:
        return [(_blanked(source, definitions, kept), None)]
    defined = {id(node) for node in definitions}
    header = [node for node in tree.body if id(node) not in defined]
    groups: list = []
    current: set = set()
    for seed in seeds:
        if id(seed) in current:
            continue
        current |= _closure([seed], definitions, used)
        size = sum(_span(node)[1] - _span(node)[0] + 1 for node in definitions if id(node) in current)
        if size * (len(source) / max(len(lines), 1)) > PART_LIMIT / 2:
            groups.append(current)
            current = set()
    if current:
        groups.append(current)
    parts = []
    for group in groups:
        chosen = sorted(header + [node for node in definitions if id(node) in group], key=lambda node: _span(node)[0])
        rows = [row for node in chosen for row in range(_span(node)[0], _span(node)[1] + 1)]
        text = "".join(lines[row - 1] if lines[row - 1].endswith("\n") else lines[row - 1] + "\n" for row in rows)
        parts.append((text, tuple(rows)))
    return parts


def _scan(tree, names: set) -> tuple:
    """One pass over the tree: whether a recurrent class is used as a value (outside
    ``isinstance``/``issubclass`` tests and comparisons), and the names each top-level
    statement uses."""
    import ast

    uses_recurrent = False
    used: dict = {}
    for top in tree.body:
        found: set = set()
        stack = [(top, False)]
        while stack:
            node, tested = stack.pop()
            if isinstance(node, ast.Name):
                found.add(node.id)
                uses_recurrent = uses_recurrent or (not tested and node.id in names)
                continue
            if isinstance(node, ast.Attribute):
                found.add(node.attr)
                uses_recurrent = uses_recurrent or (not tested and node.attr in _RECURRENT_NAMES)
            if isinstance(node, ast.ImportFrom):
                imported = {alias.name for alias in node.names} & set(_RECURRENT_NAMES)
                found.update(imported)  # an import inside a function binds its own alias
                uses_recurrent = uses_recurrent or bool(imported)
            if isinstance(node, ast.Compare):
                tested = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("isinstance", "issubclass") and len(node.args) == 2:
                stack.append((node.args[1], True))
                stack.extend((child, tested) for child in ast.iter_child_nodes(node) if child is not node.args[1])
                continue
            stack.extend((child, tested) for child in ast.iter_child_nodes(node))
        found.discard(getattr(top, "name", None))
        used[id(top)] = found
    return uses_recurrent, used


def check_source(source: str, path: str, config: Config, fix: bool = False, unsafe_fixes: bool = False,
                 prefilter: bool = True, parts: list | None = None) -> FileResult:
    """Lint one file. ``parts`` (from ``analysis_parts``) may be given when already computed."""
    result = FileResult(path)
    if prefilter and not needs_analysis(source):
        return result
    if prefilter and fix and analysis_source(source) is None:
        return result
    if not fix:  # fixes rewrite the file: they read all of it
        parts = parts if parts is not None else (analysis_parts(source) if prefilter else [(source, None)])
        if parts is None:
            return result
        if len(parts) > 1:
            if _check_parts(parts, path, config, result):
                return result
        else:
            source = parts[0][0]
    import libcst as cst

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        result.findings.append(_syntax_finding(path, source, error))
        return result
    except Exception as error:  # noqa: BLE001 - libcst raises plain errors on some odd inputs
        result.findings.append(Finding(path, 1, 0, PARSE_ERROR_CODE, f"cannot parse file: {error}".splitlines()[0]))
        return result
    if not fix:
        result.findings = _findings_for(module, source, path, config, result)
        return result
    current_source, current_module = source, module
    for _ in range(MAX_FIX_PASSES):
        findings = _findings_for(current_module, current_source, path, config, result)
        applicable = [f for f in findings if f.fix is not None and (f.fix.safe or unsafe_fixes)]
        if not applicable:
            break
        new_source = apply_edits(current_source, applicable)
        if new_source == current_source:
            break
        try:
            new_module = cst.parse_module(new_source)
        except cst.ParserSyntaxError:
            result.warnings.append(f"{path}: a fix produced code that does not parse; fixes not applied")
            current_source = source
            break
        current_source, current_module = new_source, new_module
    if current_source != source:
        result.fixed_source = current_source
        result.findings = _findings_for(cst.parse_module(current_source), current_source, path, config, result)
    else:
        result.findings = _findings_for(module, source, path, config, result)
    return result


def _check_parts(parts: list, path: str, config: Config, result: FileResult) -> bool:
    """Analyse a large file one group of definitions at a time, rows mapped back to the file.
    False when a group does not parse on its own: the caller then reads the whole file."""
    import libcst as cst

    findings: dict = {}
    for text, rows in parts:
        try:
            module = cst.parse_module(text)
        except Exception:  # noqa: BLE001 - leave the verdict to a parse of the whole file
            return False
        for finding in _findings_for(module, text, path, config, result):
            mapped = _remap(finding, rows)
            findings.setdefault((mapped.row, mapped.column, mapped.code), mapped)
        del module  # one tree at a time
    result.findings = sorted(findings.values())
    return True


def _remap(finding: Finding, rows: tuple) -> Finding:
    from dataclasses import replace

    fix = finding.fix
    if fix is not None:
        fix = replace(fix, edits=tuple(replace(edit, row=rows[edit.row - 1], end_row=rows[edit.end_row - 1])
                                       for edit in fix.edits))
    return replace(finding, row=rows[finding.row - 1], end_row=rows[(finding.end_row or finding.row) - 1], fix=fix)


def _syntax_finding(path: str, source: str, error) -> Finding:
    # Python's own parser words syntax errors best; ask it only on this error path
    try:
        compile(source, path, "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
    except SyntaxError as python_error:
        row = python_error.lineno or 1
        column = max((python_error.offset or 1) - 1, 0)
        return Finding(path, row, column, PARSE_ERROR_CODE, f"syntax error: {python_error.msg}", name="syntax-error")
    except (ValueError, MemoryError, RecursionError):
        pass
    row = max(getattr(error, "raw_line", 1) or 1, 1)
    column = max(getattr(error, "raw_column", 0) or 0, 0)
    return Finding(path, row, column, PARSE_ERROR_CODE, "cannot parse file: syntax not supported by libcst",
                   name="syntax-error")


def _findings_for(module, source: str, path: str, config: Config, result: FileResult) -> list[Finding]:
    from ._analysis import analyse
    from .rules import ALL_RULES
    from .rules._base import RuleContext

    try:
        facts = analyse(module)
    except RecursionError:
        result.warnings.append(f"{path}: skipped: nesting too deep to analyse")
        return []
    context = RuleContext(facts=facts, source=source)
    reports = []
    for rule_class in ALL_RULES:
        if not config.is_selected(rule_class.CODE, path):
            continue
        rule = rule_class()
        try:
            for report in rule.check(context):
                reports.append((rule_class, report))
        except Exception as error:  # noqa: BLE001 - an analysis gap must not cost the other rules
            result.warnings.append(f"{path}: {rule_class.CODE} skipped: {type(error).__name__}: {error}")
    if not reports:
        return []
    positions = _positions(module)
    lines = source.splitlines()
    findings, seen = [], set()
    for rule_class, report in reports:
        span = positions.get(report.node)
        if span is None:
            continue
        start, end = span.start, span.end
        if _suppressed(lines, start.line, rule_class.CODE):
            continue
        message = rule_class.MESSAGE.format(**report.fields)
        # one finding per place and rule: an inlined submodule may see the same bug twice
        key = (start.line, start.column, rule_class.CODE)
        if key in seen:
            continue
        seen.add(key)
        findings.append(Finding(
            path=path, row=start.line, column=start.column, code=rule_class.CODE, message=message,
            name=rule_class.NAME, end_row=end.line, end_column=end.column,
            fix=_fix_for(rule_class, report, positions, module), help=report.help,
        ))
    findings.sort()
    return findings


def _positions(module):
    from libcst.metadata import MetadataWrapper, PositionProvider

    # no deep copy: the facts point at this module's own nodes
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper.resolve(PositionProvider)


def _fix_for(rule_class, report, positions, module) -> Fix | None:
    if not report.replacements or not rule_class.FIX_TITLE:
        return None
    edits = []
    for old, new in report.replacements:
        span = positions.get(old)
        if span is None:
            return None
        edits.append(Edit(module.code_for_node(new), span.start.line, span.start.column, span.end.line, span.end.column))
    return Fix(title=rule_class.FIX_TITLE.format(**report.fields), safe=report.fix_safe, edits=tuple(edits))


def _suppressed(lines: list, row: int, code: str) -> bool:
    if not 1 <= row <= len(lines):
        return False
    match = _NOQA.search(lines[row - 1])
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(code.startswith(listed.upper()) for listed in re.split(r"[,\s]+", codes) if listed)


def apply_edits(source: str, findings: Iterable[Finding]) -> str:
    """Apply the edits of ``findings``; overlapping edits are left for the next pass."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(row: int, column: int) -> int:
        return offsets[row - 1] + column

    edits = []
    for finding in findings:
        for edit in finding.fix.edits:
            edits.append((offset(edit.row, edit.column), offset(edit.end_row, edit.end_column), edit.content))
    edits.sort()
    chosen, last_end = [], -1
    for start, end, content in edits:
        if start < last_end:
            continue  # overlaps an earlier edit: apply it on the next pass
        chosen.append((start, end, content))
        last_end = end
    for start, end, content in reversed(chosen):
        source = source[:start] + content + source[end:]
    return source
