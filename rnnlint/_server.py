"""``rnnlint server``: a language server over stdio, built on pygls (the ``lsp`` extra).

Findings from unsaved text, fixes and ``# noqa`` as code actions, shapes on hover. The only
module that imports pygls or lsprotocol; nothing else in rnnlint imports it.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import __version__
from ._config import Config, ConfigError, find_pyproject, load_config
from ._editor import (
    Unit,
    facts_of,
    file_unit,
    findings_by_part,
    from_units,
    noqa_code_at,
    noqa_edit,
    notebook_unit,
    rule_hover,
    shape_hover,
    to_units,
)
from ._engine import PARSE_ERROR_CODE, FileResult, check_source
from ._source import split_rows

DEBOUNCE_SECONDS = 0.25
FIX_ALL_KIND = "source.fixAll.rnnlint"
SOURCE = "rnnlint"


class RnnlintServer(LanguageServer):
    def __init__(self):
        super().__init__(
            "rnnlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[types.NotebookDocumentFilterWithCells(
                    notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")])],
                save=True,
            ),
        )
        self.pending: dict = {}  # uri -> the debounced check waiting to run
        self.configs: dict = {}  # pyproject path -> (modification time, Config)
        self.reported: set = set()  # configuration errors already shown
        self.facts: dict = {}  # unit key -> (program, facts), the latest analysed for hover


server = RnnlintServer()


# --- documents and configuration ------------------------------------------------------------


def _path_of(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/"):
        path = path[1:]
    return path


def _config_for(ls: RnnlintServer, path: str | None) -> Config:
    """The configuration of the project holding ``path`` (read again when pyproject.toml changes)."""
    pyproject = find_pyproject(Path(path).parent) if path else None
    if pyproject is None:
        return Config()
    try:
        stamp = pyproject.stat().st_mtime_ns
    except OSError:
        return Config()
    cached = ls.configs.get(str(pyproject))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        config = load_config(pyproject)
    except ConfigError as error:
        if str(error) not in ls.reported:
            ls.reported.add(str(error))
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"rnnlint: {error}"))
        config = Config()
    ls.configs[str(pyproject)] = (stamp, config)
    return config


def _unit_for(ls: RnnlintServer, uri: str) -> tuple[Unit, list]:
    """The program a document belongs to (the whole notebook for a cell), and the URIs it covers."""
    notebook = ls.workspace.get_notebook_document(cell_uri=uri) or ls.workspace.get_notebook_document(notebook_uri=uri)
    if notebook is not None:
        cells = [(cell.document, ls.workspace.get_text_document(cell.document).source)
                 for cell in notebook.cells if cell.kind == types.NotebookCellKind.Code]
        path = _path_of(notebook.uri) or notebook.uri
        return notebook_unit(path, cells), [uri for uri, _ in cells]
    document = ls.workspace.get_text_document(uri)
    path = _path_of(uri) or uri
    if path.endswith(".ipynb") or getattr(document, "language_id", None) not in (None, "python"):
        # a notebook opened as its JSON, or another language: nothing to check as Python
        return file_unit(uri, path, ""), [uri]
    return file_unit(uri, path, document.source), [uri]


def _check(ls: RnnlintServer, unit: Unit, fix: bool = False):
    """Check the unit; with ``fix``, apply the safe fixes (and the unsafe ones where the project's
    ``unsafe-fixes = true`` says so, as ``rnnlint --fix`` does)."""
    path = unit.path if os.path.isabs(unit.path) else None
    config = _config_for(ls, path)
    if path is not None and _excluded(Path(path), config):
        return FileResult(unit.path)
    project = None
    if path is not None and not path.endswith(".ipynb"):
        from ._project import forget_projects, project_for

        forget_projects()  # the other files as they are saved now
        project = project_for(path)
    return check_source(unit.program, unit.path, config, fix=fix, unsafe_fixes=fix and config.unsafe_fixes,
                        project=project)


def _excluded(path: Path, config: Config) -> bool:
    """A file the command line leaves out with ``--force-exclude`` (the configuration's
    ``exclude``, a virtualenv, ``.gitignore`` under ``respect-gitignore``), or installed code:
    opened in the editor, say from go-to-definition, it is not checked either."""
    from ._runner import is_force_excluded

    path = path.resolve()  # the configuration's folder is found resolved: compare like with like
    if any(part in ("site-packages", "dist-packages") for part in path.parts[:-1]):
        return True  # installed code, wherever it lies
    pyproject = find_pyproject(path.parent)
    root = pyproject.parent if pyproject is not None else path.parent
    return is_force_excluded(path, config, root)


# --- diagnostics ----------------------------------------------------------------------------


def _encoding(ls: RnnlintServer) -> str:
    encoding = str(getattr(ls.workspace, "position_encoding", None) or "utf-16")
    return encoding.lower().replace("positionencodingkind.", "").replace("_", "-")


def _position(rows: list, row: int, column: int, encoding: str) -> types.Position:
    """A 1-based row and 0-based character column as an LSP position."""
    line = rows[row - 1].rstrip("\r\n") if 1 <= row <= len(rows) else ""
    return types.Position(line=max(row - 1, 0), character=to_units(line, column, encoding))


def _range(rows: list, row: int, column: int, end_row: int, end_column: int, encoding: str) -> types.Range:
    start = _position(rows, row, column, encoding)
    end = _position(rows, end_row or row, end_column if end_row else column, encoding)
    if (end.line, end.character) <= (start.line, start.character):
        # a point (a syntax error): mark the rest of the line, at least one character
        line = rows[row - 1].rstrip("\r\n") if 1 <= row <= len(rows) else ""
        end = types.Position(line=start.line, character=max(to_units(line, len(line), encoding), start.character + 1))
    return types.Range(start=start, end=end)


def _diagnostic(finding, rows: list, encoding: str) -> types.Diagnostic:
    from .rules._docs import rule_url

    error = finding.code == PARSE_ERROR_CODE
    url = None if error else rule_url(finding.code)
    return types.Diagnostic(
        range=_range(rows, finding.row, finding.column, finding.end_row, finding.end_column, encoding),
        message=finding.message + (f"\nhelp: {finding.help}" if finding.help else ""),
        severity=types.DiagnosticSeverity.Error if error else types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=None if url is None else types.CodeDescription(href=url),
        source=SOURCE,
    )


def publish(ls: RnnlintServer, uri: str) -> None:
    """Check the document (or the notebook holding it) and publish each part's diagnostics."""
    try:
        unit, _ = _unit_for(ls, uri)
        result = _check(ls, unit)
    except Exception as error:  # noqa: BLE001 - one document's analysis gap must not stop the server
        ls.window_log_message(types.LogMessageParams(types.MessageType.Warning, f"rnnlint: {uri}: {error}"))
        return
    encoding = _encoding(ls)
    for part_uri, pairs in findings_by_part(unit, result.findings).items():
        part = unit.part_of(part_uri)
        assert part is not None  # the findings are of the unit's parts
        rows = split_rows(part.text)
        version = getattr(ls.workspace.get_text_document(part_uri), "version", None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=part_uri, version=version, diagnostics=[_diagnostic(finding, rows, encoding) for finding, _ in pairs]))


def _schedule(ls: RnnlintServer, uri: str, delay: float) -> None:
    """Check ``uri`` after ``delay`` seconds; a newer change cancels a check not yet run."""
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()

    async def later():
        await asyncio.sleep(delay)
        ls.pending.pop(uri, None)
        publish(ls, uri)

    ls.pending[uri] = asyncio.ensure_future(later())


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: RnnlintServer, params: types.DidOpenTextDocumentParams):
    _schedule(ls, params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: RnnlintServer, params: types.DidChangeTextDocumentParams):
    _schedule(ls, params.text_document.uri, DEBOUNCE_SECONDS)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: RnnlintServer, params: types.DidSaveTextDocumentParams):
    _schedule(ls, params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RnnlintServer, params: types.DidCloseTextDocumentParams):
    waiting = ls.pending.pop(params.text_document.uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
async def notebook_did_open(ls: RnnlintServer, params: types.DidOpenNotebookDocumentParams):
    _schedule(ls, params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
async def notebook_did_change(ls: RnnlintServer, params: types.DidChangeNotebookDocumentParams):
    _schedule(ls, params.notebook_document.uri, DEBOUNCE_SECONDS)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
async def notebook_did_save(ls: RnnlintServer, params: types.DidSaveNotebookDocumentParams):
    _schedule(ls, params.notebook_document.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: RnnlintServer, params: types.DidCloseNotebookDocumentParams):
    for cell in params.cell_text_documents:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))


# --- code actions ---------------------------------------------------------------------------


def _text_edits(edits, rows: list, encoding: str) -> list:
    return [types.TextEdit(range=_range(rows, edit.row, edit.column, edit.end_row, edit.end_column, encoding),
                           new_text=edit.content) for edit in edits]


def _whole(text: str, encoding: str) -> types.Range:
    """The range of a whole document, whatever its last line."""
    rows = split_rows(text)
    if not rows or rows[-1].endswith(("\n", "\r")):
        end = types.Position(line=len(rows), character=0)
    else:
        end = types.Position(line=len(rows) - 1, character=to_units(rows[-1], len(rows[-1]), encoding))
    return types.Range(start=types.Position(line=0, character=0), end=end)


def _fix_all(ls: RnnlintServer, unit: Unit, encoding: str) -> types.WorkspaceEdit | None:
    """One edit per part the safe fixes change; None when they change nothing."""
    result = _check(ls, unit, fix=True)
    if result.fixed_source is None:
        return None
    if unit.notebook is None:
        part = unit.parts[0]
        return types.WorkspaceEdit(changes={part.uri: [types.TextEdit(range=_whole(part.text, encoding),
                                                                     new_text=result.fixed_source)]})
    from ._notebook import fixed_cells

    sources = fixed_cells(unit.notebook, result.fixed_source)
    changes = {}
    for part in unit.parts:
        if part.cell in sources:
            changes[part.uri] = [types.TextEdit(range=_whole(part.text, encoding), new_text=sources[part.cell])]
    return types.WorkspaceEdit(changes=changes) if changes else None


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll,
                                               FIX_ALL_KIND], resolve_provider=False),
)
def code_actions(ls: RnnlintServer, params: types.CodeActionParams):
    uri = params.text_document.uri
    unit, _ = _unit_for(ls, uri)
    part = unit.part_of(uri)
    if part is None:
        return []
    encoding = _encoding(ls)
    only = params.context.only
    def wanted(kind) -> bool:
        return only is None or any(kind == o or kind.startswith(f"{o}.") for o in only)

    rows = split_rows(part.text)
    actions = []
    if wanted(types.CodeActionKind.QuickFix):
        result = _check(ls, unit)
        for finding, _ in findings_by_part(unit, result.findings).get(uri, []):
            diagnostic = _diagnostic(finding, rows, encoding)
            if not _overlaps(diagnostic.range, params.range):
                continue
            if finding.fix is not None and not _written_with_aliases(unit, part, finding.fix.edits):
                edits = [_shift(edit, part) for edit in finding.fix.edits]
                title = f"{finding.code}: {finding.fix.title}" + ("" if finding.fix.safe else " (unsafe fix)")
                actions.append(types.CodeAction(
                    title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    is_preferred=finding.fix.safe,
                    edit=types.WorkspaceEdit(changes={uri: _text_edits(edits, rows, encoding)})))
            if finding.code != PARSE_ERROR_CODE:
                line = rows[finding.row - 1] if finding.row <= len(rows) else ""
                edit = noqa_edit(line, finding.code)
                if edit is not None:
                    start, end, text = edit
                    body = line.rstrip("\r\n")
                    span = types.Range(
                        start=types.Position(line=finding.row - 1, character=to_units(body, start, encoding)),
                        end=types.Position(line=finding.row - 1, character=to_units(body, end, encoding)))
                    actions.append(types.CodeAction(
                        title=f"{finding.code}: add `# noqa: {finding.code}` to this line",
                        kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=span, new_text=text)]})))
    if wanted(FIX_ALL_KIND):  # `source`, `source.fixAll` (on save) and our own kind all ask for it
        fix_all = _fix_all(ls, unit, encoding)
        if fix_all is not None:
            unsafe = _config_for(ls, unit.path if os.path.isabs(unit.path) else None).unsafe_fixes
            title = "rnnlint: apply all fixes (unsafe ones too: unsafe-fixes = true)" if unsafe \
                else "rnnlint: apply all safe fixes"
            actions.append(types.CodeAction(title=title, kind=FIX_ALL_KIND, edit=fix_all))
    return actions


def _written_with_aliases(unit: Unit, part, edits) -> bool:
    """A fix in a notebook that touches a row the checked program changed (IPython syntax, a
    renamed name) or writes a renamed name: not offered, it would not be the user's code."""
    if unit.notebook is None:
        return False
    from ._notebook import uses_alias

    cell = next(cell for cell in unit.notebook.cells if cell.number == part.cell)
    original, checked = split_rows(cell.text), split_rows(cell.blanked)
    for edit in edits:
        rows = range(edit.row - part.first_row, edit.end_row - part.first_row + 1)
        if any(index >= len(original) or index >= len(checked) or original[index] != checked[index] for index in rows):
            return True
        if uses_alias(unit.notebook, edit.content):
            return True
    return False


def _shift(edit, part):
    """A program edit in the part's rows."""
    from ._finding import Edit

    shift = part.first_row - 1
    return Edit(edit.content, edit.row - shift, edit.column, edit.end_row - shift, edit.end_column)


# --- hover ----------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: RnnlintServer, params: types.HoverParams):
    uri = params.text_document.uri
    unit, _ = _unit_for(ls, uri)
    part = unit.part_of(uri)
    if part is None:
        return None
    rows = split_rows(part.text)
    row = params.position.line + 1
    if not 1 <= row <= len(rows):
        return None
    line = rows[row - 1].rstrip("\r\n")
    column = from_units(line, params.position.character, _encoding(ls))
    code = noqa_code_at(line, column)
    text = rule_hover(code) if code else None
    if text is None and code is None:
        key = unit.path
        cached = ls.facts.get(key)
        if cached is None or cached[0] != unit.program:
            cached = (unit.program, facts_of(unit.program, unit.path))
            ls.facts[key] = cached
        text = shape_hover(cached[1], part.first_row + row - 1, line, column)
    if text is None:
        return None
    for alias, name in getattr(unit.notebook, "aliases", {}).items():
        text = re.sub(rf"\b{alias}\b", name, text)  # an earlier version of a class redefined in a later cell
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def serve() -> None:
    """Serve one client over stdin and stdout until it exits."""
    server.start_io()
