"""``rnnlint server`` end to end: a real LSP client (pytest-lsp) drives the server over stdio.

Each test starts ``python -m rnnlint server`` as a subprocess, opens documents that were never
saved to disk, and checks what an editor would show.
"""

from __future__ import annotations

import asyncio
import sys

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="the editor server tests need the dev extra (pytest-lsp)")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from conftest import ROOT  # noqa: E402

BUGGY = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text(encoding="utf-8")
NON_ASCII = 'import torch.nn as nn\ngrüße = "😀"; rnn = nn.GRU(8, 16, num_layers=1, dropout=0.5)\n'
TIMEOUT = 60
pytestmark = pytest.mark.slow  # each test starts a server process: seconds apiece


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "rnnlint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nignore = ["RNN008"]\n', encoding="utf-8")
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")]))
    yield
    await lsp_client.shutdown_session()


async def _diagnostics(client: LanguageClient, uri: str) -> list:
    """Wait for the next diagnostics published for ``uri``."""
    while True:
        params = await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT)
        if params.uri == uri:
            return params.diagnostics


def _open(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))


def _change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def _offset(text: str, position: types.Position) -> int:
    """A UTF-16 LSP position as an index into ``text``."""
    lines = text.splitlines(keepends=True)
    before = sum(len(line) for line in lines[:position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, character in enumerate(line):
        if units >= position.character:
            return before + index
        units += 2 if ord(character) > 0xFFFF else 1
    return before + len(line)


def _apply(text: str, edits: list) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:_offset(text, edit.range.start)] + edit.new_text + text[_offset(text, edit.range.end):]
    return text


def _position_of(text: str, needle: str, occurrence: int = 0, shift: int = 0) -> types.Position:
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    index += shift
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return types.Position(line=line, character=column)


async def _hover(client: LanguageClient, uri: str, position: types.Position) -> str | None:
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    return None if result is None else result.contents.value


async def _actions(client: LanguageClient, uri: str, diagnostic=None, only=None, whole: types.Range | None = None):
    span = diagnostic.range if diagnostic is not None else whole
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=span,
        context=types.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [], only=only)))


@pytest.mark.asyncio
async def test_open_hover_fix_and_the_finding_goes_away(client: LanguageClient, tmp_path):
    uri = (tmp_path / "model.py").as_uri()  # never written: the server reads the editor's text
    _open(client, uri, BUGGY)
    diagnostics = await _diagnostics(client, uri)
    assert [d.code for d in diagnostics] == ["RNN001"]
    finding = diagnostics[0]
    row = BUGGY.splitlines().index("        self.fc = nn.Linear(hidden_size, n_classes)  # expect: RNN001")
    assert (finding.range.start.line, finding.range.start.character) == (row, 18)
    assert finding.code_description.href == "https://github.com/rnnlint/rnnlint/blob/main/docs/rules/RNN001.md"
    assert finding.source == "rnnlint" and finding.severity == types.DiagnosticSeverity.Warning

    # hover: a tensor in forward, a layer, the value forward returns
    out = await _hover(client, uri, _position_of(BUGGY, "out, _ = self.lstm(x)"))
    assert "out: (batch, seq, 2*hidden_size)" in out and "SentenceClassifier.forward" in out
    assert "sizes from `self.lstm = LSTM(input_size=input_size, hidden_size=hidden_size" in out
    later = await _hover(client, uri, _position_of(BUGGY, "out.mean", shift=1))
    assert "out: (batch, seq, 2*hidden_size)" in later
    layer = await _hover(client, uri, _position_of(BUGGY, "self.lstm(x)", shift=6))
    assert "self.lstm = LSTM(input_size=input_size, hidden_size=hidden_size" in layer and "bidirectional=True" in layer
    returned = await _hover(client, uri, _position_of(BUGGY, "return self.fc"))
    assert "return: (batch, n_classes)" in returned
    assert await _hover(client, uri, _position_of(BUGGY, "torch.manual_seed", shift=8)) is None

    actions = await _actions(client, uri, finding)
    titles = [action.title for action in actions]
    assert titles == ["RNN001: Build `self.fc` with `2 * hidden_size` input features",
                      "RNN001: add `# noqa: RNN001` to this line", "rnnlint: apply all safe fixes"]
    assert actions[2].kind == "source.fixAll.rnnlint"
    assert actions[0].is_preferred and actions[0].kind == types.CodeActionKind.QuickFix

    fixed = _apply(BUGGY, actions[0].edit.changes[uri])
    assert "self.fc = nn.Linear(2 * hidden_size, n_classes)  # expect: RNN001" in fixed
    _change(client, uri, fixed, 2)
    assert list(await _diagnostics(client, uri)) == []


@pytest.mark.asyncio
async def test_noqa_action_and_noqa_hover(client: LanguageClient, tmp_path):
    uri = (tmp_path / "noqa.py").as_uri()
    _open(client, uri, BUGGY)
    finding = (await _diagnostics(client, uri))[0]
    noqa = next(a for a in await _actions(client, uri, finding) if "noqa" in a.title)
    suppressed = _apply(BUGGY, noqa.edit.changes[uri])
    assert "nn.Linear(hidden_size, n_classes)  # expect: RNN001  # noqa: RNN001\n" in suppressed
    _change(client, uri, suppressed, 2)
    assert list(await _diagnostics(client, uri)) == []
    text = await _hover(client, uri, _position_of(suppressed, "# noqa: RNN001", shift=10))
    assert text.startswith("**RNN001** `head-features-mismatch`") and "docs/rules/RNN001.md" in text


@pytest.mark.asyncio
async def test_positions_count_utf16_units_and_unsafe_fixes_say_so(client: LanguageClient, tmp_path):
    uri = (tmp_path / "wide.py").as_uri()
    _open(client, uri, NON_ASCII)
    [finding] = await _diagnostics(client, uri)
    # `grüße = "😀"; rnn = ` is 19 characters and 20 UTF-16 units: the emoji counts two
    assert finding.code == "RNN009" and (finding.range.start.line, finding.range.start.character) == (1, 20)
    actions = await _actions(client, uri, finding)
    unsafe = actions[0]
    assert unsafe.title.endswith("(unsafe fix)") and not unsafe.is_preferred
    [edit] = unsafe.edit.changes[uri]
    assert edit.range.start.character == 46
    assert _apply(NON_ASCII, [edit]).endswith('rnn = nn.GRU(8, 16, num_layers=1)\n')
    # the fix-all action applies safe fixes only: none here
    fix_all = await _actions(client, uri, only=["source.fixAll.rnnlint"], whole=finding.range)
    assert list(fix_all) == []


@pytest.mark.asyncio
async def test_fix_all_and_project_configuration(client: LanguageClient, tmp_path):
    text = BUGGY + "\n\nclass Tagger(nn.Module):\n    def __init__(self):\n        super().__init__()\n" \
        "        self.embed = nn.Embedding(100, 32)\n        self.rnn = nn.GRU(64, 16)\n\n" \
        "    def forward(self, tokens):\n        out, _ = self.rnn(self.embed(tokens))\n        return out\n"
    uri = (tmp_path / "two.py").as_uri()
    _open(client, uri, text)
    # RNN008 (the GRU takes 64 features, the embedding gives 32) is ignored in pyproject.toml
    assert [d.code for d in await _diagnostics(client, uri)] == ["RNN001"]
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    [action] = await _actions(client, uri, only=[types.CodeActionKind.SourceFixAll], whole=whole)
    assert action.kind == "source.fixAll.rnnlint"
    fixed = _apply(text, action.edit.changes[uri])
    assert "nn.Linear(2 * hidden_size, n_classes)" in fixed and fixed.endswith("return out\n")
    _change(client, uri, fixed, 2)
    assert list(await _diagnostics(client, uri)) == []


@pytest.mark.asyncio
async def test_changes_in_a_burst_end_in_the_last_text(client: LanguageClient, tmp_path):
    uri = (tmp_path / "burst.py").as_uri()
    text = "import torch.nn as nn\nrnn = nn.LSTM(8, 16, dropout=0.1)\n"
    _open(client, uri, text)
    assert "`0.1`" in (await _diagnostics(client, uri))[0].message
    # keystrokes as an editor sends them: ranges of the text, UTF-16 positions
    digit = types.Range(start=types.Position(line=1, character=31), end=types.Position(line=1, character=32))
    for version, typed in enumerate("234", start=2):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=digit, text=typed)]))
    [finding] = await _diagnostics(client, uri)
    assert "`0.4`" in finding.message


@pytest.mark.asyncio
async def test_a_syntax_error_is_one_error_diagnostic(client: LanguageClient, tmp_path):
    uri = (tmp_path / "broken.py").as_uri()
    _open(client, uri, "import torch.nn as nn\nrnn = nn.LSTM(8,\n")
    [finding] = await _diagnostics(client, uri)
    assert finding.code == "RNN000" and finding.severity == types.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_notebook_cells_get_their_own_diagnostics(client: LanguageClient, tmp_path):
    notebook = (tmp_path / "model.ipynb").as_uri()
    cells = [("import torch.nn as nn\n%matplotlib inline", f"{notebook}#cell1"),
             ("def broken(:\n    pass", f"{notebook}#cell2"),
             ("x = 1\nrnn = nn.GRU(8, 16, dropout=0.5)", f"{notebook}#cell3"),
             ("class Tagger(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
              "        self.rnn = nn.GRU(8, 16, bidirectional=True)\n\n"
              "    def forward(self, x):\n        out, h_n = self.rnn(x)\n        return out", f"{notebook}#cell4")]
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(
            uri=notebook, notebook_type="jupyter-notebook", version=1,
            cells=[types.NotebookCell(kind=types.NotebookCellKind.Code, document=uri) for _, uri in cells]),
        cell_text_documents=[types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
                             for text, uri in cells]))
    # the three cells are published at once: read what the client holds
    for _ in range(TIMEOUT * 10):
        if all(uri in client.diagnostics for _, uri in cells):
            break
        await asyncio.sleep(0.1)
    published = {uri: list(client.diagnostics[uri]) for _, uri in cells}
    assert published[cells[0][1]] == []
    assert [d.code for d in published[cells[1][1]]] == ["RNN000"]
    [finding] = published[cells[2][1]]
    assert finding.code == "RNN009" and finding.range.start.line == 1 and finding.range.start.character == 6
    # a fix in a cell is told in the cell's rows
    actions = await _actions(client, cells[2][1], finding)
    assert actions[0].edit.changes[cells[2][1]][0].range.start.line == 1
    # a hover in a cell: the class uses `nn` from cell 1
    shape = await _hover(client, cells[3][1], types.Position(line=6, character=9))
    assert "out: (seq, batch, 32)" in shape and "in `Tagger.forward`" in shape, shape
    # an edit in one cell checks the notebook again
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=notebook, version=2),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
            types.NotebookDocumentCellContentChanges(
                document=types.VersionedTextDocumentIdentifier(uri=cells[2][1], version=2),
                changes=[types.TextDocumentContentChangeWholeDocument(text="rnn = nn.GRU(8, 16)")])]))))
    # (the cells are published together: read what the client holds)
    for _ in range(TIMEOUT * 10):
        if not client.diagnostics[cells[2][1]]:
            break
        await asyncio.sleep(0.1)
    assert list(client.diagnostics[cells[2][1]]) == [] and len(client.diagnostics[cells[3][1]]) == 0


@pytest.mark.asyncio
async def test_fix_all_takes_unsafe_fixes_where_the_project_says_so(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nunsafe-fixes = true\n", encoding="utf-8")
    uri = (tmp_path / "unsafe.py").as_uri()
    _open(client, uri, NON_ASCII)
    [finding] = await _diagnostics(client, uri)
    [action] = await _actions(client, uri, only=["source.fixAll.rnnlint"], whole=finding.range)
    assert "unsafe" in action.title
    assert _apply(NON_ASCII, action.edit.changes[uri]).endswith('rnn = nn.GRU(8, 16, num_layers=1)\n')


@pytest.mark.asyncio
async def test_a_bad_configuration_is_one_message_and_the_defaults(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nselect = ["RNN999"]\n', encoding="utf-8")
    uri = (tmp_path / "model.py").as_uri()
    _open(client, uri, BUGGY)
    assert [d.code for d in await _diagnostics(client, uri)] == ["RNN001"]
    _change(client, uri, BUGGY + "\n", 2)
    await _diagnostics(client, uri)
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert errors == ["rnnlint: pyproject.toml: [tool.rnnlint] select: unknown code RNN999"]


@pytest.mark.asyncio
async def test_a_notebook_opened_as_json_is_not_read_as_python(client: LanguageClient, tmp_path):
    # a client that sends a document of another language: it is not checked, even where its
    # text would read as Python with a finding
    for name, language in (("model.ipynb", "json"), ("notes.txt", "plaintext")):
        uri = (tmp_path / name).as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id=language, version=1, text=NON_ASCII)))
        assert list(await _diagnostics(client, uri)) == []


@pytest.mark.asyncio
async def test_files_a_folder_walk_skips_are_not_checked(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nextend-exclude = ["generated"]\n', encoding="utf-8")
    for folder in ("generated", ".venv/lib/site-packages/torch", "src"):
        uri = (tmp_path / folder / "model.py").as_uri()
        _open(client, uri, NON_ASCII)
        codes = [d.code for d in await _diagnostics(client, uri)]
        assert codes == (["RNN009"] if folder == "src" else []), folder


@pytest.mark.asyncio
async def test_a_project_inside_a_folder_named_like_an_exclusion_is_checked(client: LanguageClient, tmp_path):
    project = tmp_path / "build" / "project"  # `build` is excluded inside a project, not above it
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.rnnlint]\n", encoding="utf-8")
    uri = (project / "model.py").as_uri()
    _open(client, uri, NON_ASCII)
    assert [d.code for d in await _diagnostics(client, uri)] == ["RNN009"]


@pytest.mark.asyncio
async def test_gitignored_and_force_excluded_files_are_not_checked(client: LanguageClient, tmp_path):
    # the same exclusion as `rnnlint --force-exclude FILE`: .gitignore, and exclude patterns
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("scratch/\nold_*.py\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nextend-exclude = ["vendored/*.py"]\n', encoding="utf-8")
    for name, expected in (("scratch/model.py", []), ("old_model.py", []), ("vendored/model.py", []),
                           ("src/model.py", ["RNN009"])):
        uri = (tmp_path / name).as_uri()
        _open(client, uri, NON_ASCII)
        assert [d.code for d in await _diagnostics(client, uri)] == expected, name
