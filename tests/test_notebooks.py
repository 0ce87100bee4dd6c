"""Jupyter notebooks: cells as one program, positions in cells, fixes written back into the JSON.

The notebooks under tests/notebooks are nbformat 4 files with outputs, magics, a markdown cell
and a cell that does not parse.
"""

from __future__ import annotations

import ast
import json
import os
import shutil

import pytest

from rnnlint._config import Config
from rnnlint._notebook import (
    NotebookError,
    blank_ipython,
    check_notebook,
    read_notebook,
    write_cells,
)

from conftest import ROOT, run_rnnlint

NOTEBOOKS = ROOT / "tests" / "notebooks"
CLASSIFIER = NOTEBOOKS / "classifier.ipynb"
BROKEN = NOTEBOOKS / "broken_cell.ipynb"


def _notebook(tmp_path, cells, name="model.ipynb", language="python"):
    """A notebook file with these code cells (strings), as nbformat writes it."""
    data = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{index}", "metadata": {},
                   "outputs": [], "source": text.splitlines(keepends=True)} for index, text in enumerate(cells)],
        "metadata": {"language_info": {"name": language}}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


# --- IPython syntax -------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "%matplotlib inline", "!pip install torch", "files = !ls", "env = %env", "nn.LSTM?", "nn.LSTM??",
    "%timeit model(x)", "?nn.GRU", "  %time y = 1",
])
def test_ipython_lines_are_blanked_and_rows_kept(line):
    text = f"import torch\n{line}\nx = 1\n"
    blanked = blank_ipython(text)
    assert blanked.splitlines()[0] == "import torch" and blanked.splitlines()[2] == "x = 1"
    assert len(blanked.splitlines()) == 3
    ast.parse(blanked)


def test_a_magic_in_an_indented_block_keeps_the_block():
    blanked = blank_ipython("for step in range(3):\n    !echo {step}\n")
    assert blanked == "for step in range(3):\n    pass\n"


def test_the_continued_rows_of_a_shell_escape_are_blanked_whatever_their_indentation():
    # `!cmd \` then `  --flag` rows after a block: the rows go on the command, not in the block
    text = "for line in data:\n    f.write(line)\n\n!python tool.py \\\n  --data={path} \\\n  --size=3\nx = 1\n"
    blanked = blank_ipython(text)
    assert blanked == "for line in data:\n    f.write(line)\n\n\n\n\nx = 1\n"
    ast.parse(blanked)
    inside = blank_ipython("if fresh:\n    !wget {url} \\\n  -P {folder}\n")
    assert inside == "if fresh:\n    pass\n\n"
    ast.parse(inside)


def test_cell_magics_blank_the_cell_unless_the_body_is_python():
    assert blank_ipython("%%bash\necho hi\nls -l") == "\n\n"
    assert blank_ipython("%%time\nx = 1\n") == "\nx = 1\n"


def test_python_that_looks_like_ipython_is_left_alone():
    # inside a string, inside brackets, after a backslash, and comparisons: ordinary Python
    for text in ['doc = """\n%matplotlib\n!not a shell\n"""\n', "total = (1\n% 2)\n", "total = 7 \\\n% 2\n",
                 "ok = a != b\n", "x = y if z else w\n", "flag = not done\n"]:
        assert blank_ipython(text) == text, text


# --- positions and findings -----------------------------------------------------------------


def test_a_finding_in_a_cell_is_reported_at_that_cell():
    result = run_rnnlint("--no-cache", CLASSIFIER)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if "RNN" in line]
    assert lines == [f"{CLASSIFIER}:cell 3:7:19: RNN001 [*] `self.fc` takes `hidden_size` input features, "
                     "but receives `2*hidden_size` from bidirectional `self.lstm`"]


def test_json_and_full_output_carry_the_cell():
    records = json.loads(run_rnnlint("--no-cache", "--output-format", "json", CLASSIFIER).stdout)
    assert [(r["code"], r["cell"], r["location"]) for r in records] == [("RNN001", 3, {"row": 7, "column": 19})]
    assert records[0]["fix"]["edits"][0]["location"]["row"] == 7  # edits in the cell's rows too
    full = run_rnnlint("--no-cache", "--output-format", "full", CLASSIFIER).stdout
    assert "cell 3:7:19: RNN001" in full and "self.fc = nn.Linear(hidden_size, n_classes)" in full
    github = run_rnnlint("--no-cache", "--output-format", "github", CLASSIFIER).stdout
    assert "::RNN001 cell 3: " in github


def test_a_cell_that_does_not_parse_is_rnn000_and_the_others_are_checked():
    result = run_rnnlint("--no-cache", BROKEN)
    found = [line.split(": ")[0].split(":", 1)[1] + " " + line.split(": ")[1].split()[0]
             for line in result.stdout.splitlines() if ": RNN" in line]
    # the noqa comment naming RNN009 in cell 4 silences the same finding there, and its shell escape parses
    assert found == ["cell 2:1:3 RNN000", "cell 3:1:7 RNN009"]
    assert result.returncode == 2


def test_a_class_from_one_cell_is_used_in_another():
    text = json.dumps({"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import torch.nn as nn\n", "H = 16"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["The model"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": "rnn = nn.LSTM(8, H, dropout=0.3)"},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 2})
    findings, _, _ = check_notebook(text, "m.ipynb", Config())
    assert [(f.code, f.cell, f.row) for f in findings] == [("RNN009", 3, 1)]


def test_a_notebook_in_another_language_is_not_checked(tmp_path):
    path = _notebook(tmp_path, ["rnn = nn.LSTM(8, 16, dropout=0.3)"], language="R")
    assert run_rnnlint("--no-cache", path).returncode == 0


def test_a_file_that_is_not_a_notebook_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.ipynb"
    path.write_text("{not json", encoding="utf-8")
    result = run_rnnlint("--no-cache", path)
    assert result.returncode == 2 and "RNN000 not a valid notebook: invalid JSON" in result.stdout
    assert "Traceback" not in result.stderr
    with pytest.raises(NotebookError):
        read_notebook('{"cells": 3}', "x.ipynb")
    shapes = run_rnnlint("shapes", path)
    assert shapes.returncode == 2 and shapes.stderr.startswith("rnnlint: error:") and "Traceback" not in shapes.stderr


# --- fixes ----------------------------------------------------------------------------------


def test_fix_changes_only_the_fixed_cell_source(tmp_path):
    target = tmp_path / "classifier.ipynb"
    shutil.copy(CLASSIFIER, target)
    result = run_rnnlint("--no-cache", "--fix", target)
    assert result.returncode == 0 and "Fixed 1 finding" in result.stdout
    before, after = CLASSIFIER.read_text(encoding="utf-8"), target.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=False) if a != b]
    assert changed == [('    "        self.fc = nn.Linear(hidden_size, n_classes)\\n",',
                        '    "        self.fc = nn.Linear(2 * hidden_size, n_classes)\\n",')]
    assert len(before.splitlines()) == len(after.splitlines()) and after.endswith("}\n")
    old, new = json.loads(before), json.loads(after)
    assert [c.get("outputs") for c in old["cells"]] == [c.get("outputs") for c in new["cells"]]
    assert "é" in after  # non-ASCII text stays as written, not escaped
    assert os.listdir(tmp_path) == ["classifier.ipynb"]  # written through a temporary, none left
    assert run_rnnlint("--no-cache", target).returncode == 0


def test_fix_keeps_two_space_indentation_unsorted_keys_and_magics(tmp_path):
    target = tmp_path / "broken_cell.ipynb"
    shutil.copy(BROKEN, target)
    run_rnnlint("--no-cache", "--fix", "--unsafe-fixes", target)
    before, after = BROKEN.read_text(encoding="utf-8"), target.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=False) if a != b]
    assert changed == [('        "rnn = nn.GRU(8, 16, num_layers=1, dropout=0.5)"',
                        '        "rnn = nn.GRU(8, 16, num_layers=1)"')]
    assert "!echo {step}" in after


def test_fix_writes_a_source_string_back_as_a_string():
    text = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 7,
                                  "source": "import torch.nn as nn\n%time x = 1\nrnn = nn.GRU(8, 16, dropout=0.5)"}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    findings, fixed, _ = check_notebook(text, "m.ipynb", Config(), fix=True, unsafe_fixes=True)
    assert findings == []
    cell = json.loads(fixed)["cells"][0]
    assert cell["source"] == "import torch.nn as nn\n%time x = 1\nrnn = nn.GRU(8, 16)"
    assert cell["execution_count"] == 7


def test_write_cells_replaces_only_the_named_sources():
    text = '{"cells": [{"source": ["a\\n", "b"], "outputs": [{"text": "source"}]}, {"source": []}], "x": 1}'
    assert write_cells(text, {1: "c\nd\n"}) == \
        '{"cells": [{"source": ["c\\n", "d\\n"], "outputs": [{"text": "source"}]}, {"source": []}], "x": 1}'
    assert write_cells(text, {2: "e"}) == \
        '{"cells": [{"source": ["a\\n", "b"], "outputs": [{"text": "source"}]}, {"source": ["e"]}], "x": 1}'


def test_diff_shows_each_changed_cell_and_writes_nothing(tmp_path):
    target = tmp_path / "classifier.ipynb"
    shutil.copy(CLASSIFIER, target)
    result = run_rnnlint("--no-cache", "--diff", target)
    assert f"--- a/{target}:cell 3" in result.stdout and f"+++ b/{target}:cell 3" in result.stdout
    assert "+        self.fc = nn.Linear(2 * hidden_size, n_classes)" in result.stdout
    assert target.read_bytes() == CLASSIFIER.read_bytes()


def test_stdin_notebook_is_checked_and_fixed():
    text = CLASSIFIER.read_text(encoding="utf-8")
    checked = run_rnnlint("--stdin-filename", "model.ipynb", "-", stdin=text)
    assert checked.returncode == 1 and "model.ipynb:cell 3:7:19: RNN001" in checked.stdout
    fixed = run_rnnlint("--fix", "--stdin-filename", "model.ipynb", "-", stdin=text)
    fixed_line = json.loads(fixed.stdout)["cells"][2]["source"][6]
    assert fixed_line == "        self.fc = nn.Linear(2 * hidden_size, n_classes)\n"


# --- discovery, cache, hooks, shapes --------------------------------------------------------


def _write_project(tmp_path, settings=""):
    (tmp_path / "pyproject.toml").write_text(f"[tool.rnnlint]\n{settings}", encoding="utf-8")
    _notebook(tmp_path, ["import torch.nn as nn\nrnn = nn.LSTM(8, 16, dropout=0.3)"])
    (tmp_path / "script.pyw").write_text("import torch.nn as nn\nrnn = nn.GRU(8, 16, dropout=0.3)\n")


def test_folder_walks_include_notebooks(tmp_path):
    _write_project(tmp_path)
    result = run_rnnlint("--no-cache", ".", cwd=tmp_path)
    assert "model.ipynb:cell 1:2:7: RNN009" in result.stdout and "script.pyw" not in result.stdout


def test_extend_exclude_and_extend_include(tmp_path):
    _write_project(tmp_path, 'extend-exclude = ["*.ipynb"]\nextend-include = ["*.pyw"]\n')
    result = run_rnnlint("--no-cache", ".", cwd=tmp_path)
    assert "model.ipynb" not in result.stdout and "script.pyw:2:7: RNN009" in result.stdout


def test_cached_findings_keep_their_cell(tmp_path):
    path = _notebook(tmp_path, ["import torch.nn as nn", "rnn = nn.LSTM(8, 16, dropout=0.3)"])
    cache = tmp_path / "cache"
    first = run_rnnlint("--cache-dir", cache, path)
    second = run_rnnlint("--cache-dir", cache, path)
    assert list(cache.rglob("*.json")) and first.stdout == second.stdout
    assert ":cell 2:1:7: RNN009" in second.stdout


def test_pre_commit_hooks_take_notebooks():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = text.count("- id:")
    assert hooks >= 2 and text.count("types_or: [python, pyi, jupyter]") == hooks


def test_shapes_of_a_notebook():
    result = run_rnnlint("shapes", CLASSIFIER)
    assert result.returncode == 0, result.stderr
    assert "class SentenceClassifier" in result.stdout
    assert "out: (batch, seq, 2*hidden_size)" in result.stdout
    # a folder walk finds notebooks, and the JSON format reads their cells too
    walked = run_rnnlint("shapes", "--format", "json", NOTEBOOKS)
    files = {entry["path"]: entry for entry in json.loads(walked.stdout)["files"]}
    assert [c["name"] for c in files[str(CLASSIFIER)]["classes"]] == ["SentenceClassifier"]


def test_fix_keeps_a_byte_order_mark(tmp_path):
    target = tmp_path / "classifier.ipynb"
    target.write_bytes(b"\xef\xbb\xbf" + CLASSIFIER.read_bytes())
    run_rnnlint("--no-cache", "--fix", target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"nn.Linear(2 * hidden_size, n_classes)" in data
    assert data.count(b"\xef\xbb\xbf") == 1


REDEFINED = [
    "import torch\nimport torch.nn as nn",
    "class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.rnn = nn.LSTM(10, 16, batch_first=True)\n        self.fc = nn.Linear(16, 3)\n\n"
    "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out[:, -1])",
    "model = Model()\ny = model(torch.randn(4, 7, 10))",
    "class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.rnn = nn.LSTM(20, 32, bidirectional=True, batch_first=True)\n        self.fc = nn.Linear(64, 3)\n\n"
    "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out[:, -1])",
    "model = Model()\ny = model(torch.randn(4, 7, 20))",
]


def _in_memory(cells: list) -> str:
    code = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": text} for text in cells]
    return json.dumps({"cells": code, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_class_defined_again_is_a_new_version_for_the_cells_below():
    # cell 3 feeds the first Model 10 features, which it takes: no RNN008 against the second one
    findings, _, _ = check_notebook(_in_memory(REDEFINED), "m.ipynb", Config())
    assert findings == []
    # the same uses, swapped: each version is fed the other's features, and each is found
    swapped = [REDEFINED[0], REDEFINED[1], REDEFINED[4], REDEFINED[3], REDEFINED[2]]
    findings, _, _ = check_notebook(_in_memory(swapped), "m.ipynb", Config())
    assert sorted((f.code, f.cell, f.row) for f in findings) == [("RNN008", 2, 4), ("RNN008", 4, 4)]


def test_the_renamed_version_keeps_its_columns_and_its_name_on_disk():
    cells = list(REDEFINED)
    cells[1] = cells[1].replace("nn.LSTM(10, 16, batch_first=True)",
                                "nn.LSTM(10, 16, batch_first=True, bidirectional=True)")
    text = _in_memory(cells)
    notebook = read_notebook(text, "m.ipynb")
    first = notebook.cells[1].blanked.splitlines()[0]
    assert first != "class Model(nn.Module):" and len(first) == len("class Model(nn.Module):")
    findings, fixed, _ = check_notebook(text, "m.ipynb", Config(), fix=True)
    assert findings == []
    written = json.loads(fixed)["cells"]
    assert written[1]["source"].startswith("class Model(nn.Module):") and "nn.Linear(2 * 16, 3)" in written[1]["source"]
    assert written[2]["source"] == "model = Model()\ny = model(torch.randn(4, 7, 10))"


def test_shapes_of_a_redefined_class_show_its_last_version(tmp_path):
    path = _notebook(tmp_path, REDEFINED)
    result = run_rnnlint("shapes", path)
    assert result.returncode == 0 and result.stdout.count("class Model") == 1
    assert "LSTM(input_size=20" in result.stdout


def test_a_constant_set_again_is_unknown_inside_code_run_later():
    cells = ["import torch.nn as nn\nH = 16",
             "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.rnn = nn.LSTM(8, H)\n        self.fc = nn.Linear(16, 3)\n\n"
             "    def forward(self, x):\n        out, _ = self.rnn(x)\n        return self.fc(out)",
             "m = M()", "H = 32"]
    # M is built while H is 16; which H a later M() reads is unknown: no finding either way
    findings, _, _ = check_notebook(_in_memory(cells), "m.ipynb", Config())
    assert findings == []
    # top-level code reads the version above it: a head built for H = 16 is right for the
    # LSTM of cell 2, and wrong for the LSTM of cell 3 that it is then fed
    cells = ["import torch\nimport torch.nn as nn\nH = 16",
             "rnn = nn.LSTM(8, H, batch_first=True)\nout, _ = rnn(torch.randn(4, 7, 8))\nhead = nn.Linear(16, 3)\n"
             "y = head(out)", "H = 32"]
    assert check_notebook(_in_memory(cells), "m.ipynb", Config())[0] == []
    cells[2] = "H = 32\nrnn = nn.LSTM(8, H, batch_first=True)\nout, _ = rnn(torch.randn(4, 7, 8))\ny = head(out)"
    findings, _, _ = check_notebook(_in_memory(cells), "m.ipynb", Config())
    assert [(f.code, f.cell, f.row) for f in findings] == [("RNN001", 2, 3)]


def test_a_fix_is_not_written_with_a_renamed_name():
    from rnnlint._notebook import fixed_cells, notebook_from_cells

    notebook = notebook_from_cells("m.ipynb", [(1, "H = 16\nrnn = nn.LSTM(8, H)"), (2, "H = 32\nx = 1")])
    [alias] = [name for name in notebook.aliases if name in notebook.program]  # (the other one is for bodies)
    assert notebook.program.startswith(f"{alias} = 16\nrnn = nn.LSTM(8, {alias})\n")
    assert fixed_cells(notebook, notebook.program.replace("x = 1", "x = 2")) == {2: "H = 32\nx = 2"}
    # a change written with the alias, or on a row that holds it, is not the user's code
    assert fixed_cells(notebook, notebook.program.replace("x = 1", f"x = {alias}")) == {}
    assert fixed_cells(notebook, notebook.program.replace("(8, ", "(9, ")) == {}


def test_stdin_notebook_diff():
    result = run_rnnlint("--diff", "--stdin-filename", "model.ipynb", "-", stdin=CLASSIFIER.read_text(encoding="utf-8"))
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/model.ipynb:cell 3\n+++ b/model.ipynb:cell 3\n")
    assert "+        self.fc = nn.Linear(2 * hidden_size, n_classes)" in result.stdout


TUTORIAL = NOTEBOOKS / "tutorial_clean.ipynb"


def test_a_correct_tutorial_notebook_is_silent():
    # magics, shell escapes in a loop, help, %%writefile, a magic-looking string, a model class
    # defined twice and hyperparameters set twice: nothing is wrong, nothing is reported
    result = run_rnnlint("--no-cache", TUTORIAL)
    assert result.returncode == 0 and result.stdout.startswith("All checks passed"), result.stdout


@pytest.mark.parametrize(("correct", "buggy", "cell"), [
    ('"        self.fc = nn.Linear(2 * hl_size, out)\\n"', '"        self.fc = nn.Linear(hl_size, out)\\n"', 10),
    ('"        self.fc = nn.Linear(hl_size, out)\\n"', '"        self.fc = nn.Linear(2 * hl_size, out)\\n"', 5),
])
def test_each_version_of_the_tutorial_model_is_checked(correct, buggy, cell):
    text = TUTORIAL.read_text(encoding="utf-8")
    assert text.count(correct) == 1
    findings, _, _ = check_notebook(text.replace(correct, buggy), "tutorial.ipynb", Config())
    assert [(f.code, f.cell) for f in findings] == [("RNN001", cell)]


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000, '{"cells": [{"cell_type": "code", "source": 5}]}', "[]", '{"cells": {}}',
])
def test_odd_json_is_one_line_and_no_traceback(tmp_path, text):
    path = tmp_path / "odd.ipynb"
    path.write_text(text, encoding="utf-8")
    result = run_rnnlint("--no-cache", path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{path}:1:1: RNN000 not a valid notebook" in result.stdout


def test_cells_that_are_not_code_still_count():
    code = {"cell_type": "code", "source": "import torch.nn as nn\nrnn = nn.GRU(8, 16, dropout=0.2)"}
    text = json.dumps({"cells": [{"cell_type": "raw", "source": "x"}, "junk", code],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert [(f.code, f.cell) for f in check_notebook(text, "m.ipynb", Config())[0]] == [("RNN009", 3)]
