"""Suppression: `# noqa` on a line, `# rnnlint: noqa` for a whole file, the unused-suppression
rule (RNN100) and `--add-noqa`."""

from __future__ import annotations

import json

from rnnlint._config import Config
from rnnlint._engine import check_source, lint_source

from conftest import run_rnnlint

MODEL = (
    "import torch.nn as nn\n"
    "\n"
    "class M(nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.lstm = nn.LSTM(8, 16, batch_first=True, dropout=0.3)\n"
    "        self.fc = nn.Linear(8, 2)\n"
    "\n"
    "    def forward(self, x):\n"
    "        out, _ = self.lstm(x)\n"
    "        return self.fc(out[:, -1])\n"
)


def _codes(source: str, config: Config | None = None) -> list:
    return [(finding.row, finding.code) for finding in lint_source(source, "m.py", config)]


def test_the_model_has_two_findings_to_suppress():
    assert _codes(MODEL) == [(6, "RNN009"), (7, "RNN001")]


def test_a_file_level_noqa_on_its_own_line_suppresses_every_finding_of_the_file():
    assert _codes("# rnnlint: noqa\n" + MODEL) == []
    assert _codes(MODEL + "    # RNNLINT:NOQA\n") == []


def test_a_file_level_noqa_with_codes_suppresses_those_codes_and_prefixes():
    assert _codes("# rnnlint: noqa: RNN001\n" + MODEL) == [(7, "RNN009")]
    assert _codes("# rnnlint: noqa: RNN001, RNN009\n" + MODEL) == []
    assert _codes("# rnnlint: noqa: RNN00  # the whole family\n" + MODEL) == []


def test_a_file_level_noqa_that_is_not_a_comment_line_of_its_own_suppresses_nothing_for_the_file():
    # after code, it is a line's noqa of another spelling: nothing
    assert _codes("x = 1  # rnnlint: noqa\n" + MODEL) == [(7, "RNN009"), (8, "RNN001")]
    # in a string, it is no comment at all
    assert _codes('"""\n# rnnlint: noqa\n"""\n' + MODEL) == [(9, "RNN009"), (10, "RNN001")]
    # a line noqa is not a file noqa: on a line without a finding, it is an unused one
    assert _codes("# noqa: RNN001\n" + MODEL) == [(1, "RNN100"), (7, "RNN009"), (8, "RNN001")]


def test_a_file_level_noqa_works_in_a_notebook_cell(tmp_path):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": text}
             for text in ("# rnnlint: noqa: RNN009\n", MODEL)]
    notebook = tmp_path / "m.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    result = run_rnnlint("--no-cache", "--output-format", "pylint", notebook)
    assert result.stdout == f"{notebook}:cell 2:7: [RNN001] `self.fc` takes `8` input features, but receives " \
                            "`16` from `self.lstm`\n"


UNUSED = MODEL.replace("dropout=0.3)", "dropout=0.3)  # noqa: RNN009, RNN004")


def test_an_unused_code_is_reported_at_the_code_and_the_used_one_is_not():
    (finding,) = lint_source(UNUSED.replace("nn.Linear(8, 2)", "nn.Linear(16, 2)"), "m.py")
    assert (finding.code, finding.row, finding.column + 1) == ("RNN100", 6, 84)
    assert finding.message == "`# noqa` lists `RNN004`, which suppresses no finding on this line"
    assert finding.fix is not None and finding.fix.safe


def test_a_code_of_a_rule_that_did_not_run_is_left_alone():
    source = UNUSED.replace("nn.Linear(8, 2)", "nn.Linear(16, 2)")
    assert _codes(source, Config(ignore=("RNN004",))) == []
    assert _codes(source, Config(per_file_ignores=(("m.py", ("RNN004",)),))) == []


def test_the_file_level_noqa_silences_the_unused_suppression_rule_too():
    source = UNUSED.replace("nn.Linear(8, 2)", "nn.Linear(16, 2)")
    assert _codes("# rnnlint: noqa: RNN100\n" + source) == []
    assert [code for _, code in _codes("# rnnlint: noqa: RNN001\n" + source)] == ["RNN100"]


def test_fix_removes_the_unused_code_and_the_command_line_agrees(tmp_path):
    source = UNUSED.replace("nn.Linear(8, 2)", "nn.Linear(16, 2)")
    result = check_source(source, "m.py", Config(), fix=True)
    assert result.fixed_source == source.replace("  # noqa: RNN009, RNN004", "  # noqa: RNN009")
    target = tmp_path / "m.py"
    target.write_bytes(source.replace("\n", "\r\n").encode())
    run = run_rnnlint("--no-cache", "--fix", target)
    assert run.returncode == 0, run.stdout + run.stderr
    assert target.read_bytes() == result.fixed_source.replace("\n", "\r\n").encode()


CRLF_LATIN = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + MODEL.replace(
    "self.fc = nn.Linear(8, 2)", "self.fc = nn.Linear(8, 2)  # noqa: E501")).replace("\n", "\r\n")


def test_add_noqa_suppresses_every_finding_keeping_encoding_and_line_endings_and_is_idempotent(tmp_path):
    target = tmp_path / "m.py"
    target.write_bytes(CRLF_LATIN.encode("latin-1"))
    result = run_rnnlint("--no-cache", "--add-noqa", target)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "Added 2 noqa directives.\n")
    expected = CRLF_LATIN.replace("dropout=0.3)\r\n", "dropout=0.3)  # noqa: RNN009\r\n").replace(
        "# noqa: E501", "# noqa: E501, RNN001")
    assert target.read_bytes() == expected.encode("latin-1")
    assert run_rnnlint("--no-cache", target).returncode == 0
    again = run_rnnlint("--no-cache", "--add-noqa", target)
    assert again.stderr == "Added 0 noqa directives.\n" and target.read_bytes() == expected.encode("latin-1")


def test_add_noqa_leaves_a_row_that_ends_inside_a_string():
    from rnnlint._noqa import add_noqa

    source = 'x = f(1, """\nabc""")\ny = 2\nz = 3  # noqa\n'
    text, count, skipped = add_noqa(source, {1: ["RNN001"], 2: ["RNN001"], 3: ["RNN004"], 4: ["RNN001"]})
    assert text == 'x = f(1, """\nabc""")  # noqa: RNN001\ny = 2  # noqa: RNN004\nz = 3  # noqa\n'
    assert (count, skipped) == (2, [(1, "the row ends inside a string or a line continuation")])


def test_add_noqa_in_a_notebook_edits_the_cells_and_keeps_the_outputs(tmp_path):
    output = {"output_type": "stream", "name": "stdout", "text": ["done\n"]}
    cells = [{"cell_type": "code", "metadata": {"tags": ["a"]}, "outputs": [output], "execution_count": 3,
              "source": MODEL.splitlines(keepends=True)},
             {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": ["%time\n", "gru = nn.GRU(4, 8, dropout=0.2)\n"]}]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"
    notebook = tmp_path / "m.ipynb"
    notebook.write_text(text)
    result = run_rnnlint("--no-cache", "--add-noqa", notebook)
    assert result.returncode == 0 and result.stderr == "Added 3 noqa directives.\n", result.stderr
    data = json.loads(notebook.read_text())
    assert data["cells"][0]["outputs"] == [output] and data["cells"][0]["execution_count"] == 3
    assert data["cells"][0]["source"][5].endswith("dropout=0.3)  # noqa: RNN009\n")
    assert data["cells"][1]["source"] == ["%time\n", "gru = nn.GRU(4, 8, dropout=0.2)  # noqa: RNN009\n"]
    cells[0]["source"][5] = data["cells"][0]["source"][5]
    cells[0]["source"][6] = data["cells"][0]["source"][6]
    cells[1]["source"][1] = data["cells"][1]["source"][1]
    assert notebook.read_text() == json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                               "nbformat_minor": 5}, indent=1) + "\n"
    assert run_rnnlint("--no-cache", notebook).returncode == 0


def test_add_noqa_on_stdin_or_with_fix_is_a_usage_error():
    assert run_rnnlint("--add-noqa", "-", stdin="x = 1\n").returncode == 2
    result = run_rnnlint("--add-noqa", "--fix", ".")
    assert result.returncode == 2
    assert result.stderr == "rnnlint: error: --add-noqa cannot be used with --fix or --diff\n"
