"""What a warm run reuses: notebooks known to have no finding, the gate's search for the run's
definitions, and the prefilter's verdicts, with the same findings as a run from scratch."""

from __future__ import annotations

import json

from rnnlint import _runner
from rnnlint._config import Config
from rnnlint._project import Project, import_words, imported_names, recurrent_definitions
from rnnlint._runner import RunOptions, run


def _notebook(path, cells):
    data = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                       "source": text.splitlines(keepends=True)} for text in cells],
            "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _codes(result):
    return sorted((finding.path.rsplit("/", 1)[-1], finding.code, finding.cell) for finding in result.findings)


def test_a_warm_run_keeps_the_cell_errors_of_a_notebook_that_names_no_recurrent_layer(tmp_path, monkeypatch):
    folder = tmp_path / "code"
    folder.mkdir()
    _notebook(folder / "clean.ipynb", ["x = 1\n", "print(x)\n"])
    _notebook(folder / "broken.ipynb", ["x = (\n", "y = 2\n"])
    _notebook(folder / "model.ipynb", ["import torch.nn as nn\n",
                                       "rnn = nn.LSTM(8, 16)\nout, _ = rnn(x)\nfc = nn.Linear(32, 4)\nfc(out)\n"])
    options = RunOptions(cache_dir=tmp_path / "cache")
    cold = run([folder], Config(), options)
    built: list = []
    real = _runner._notebook_program
    monkeypatch.setattr(_runner, "_notebook_program", lambda path, *rest: built.append(path.name) or real(path, *rest))
    warm = run([folder], Config(), options)
    assert _codes(warm) == _codes(cold)
    assert ("broken.ipynb", "RNN000", 1) in _codes(cold)
    assert "clean.ipynb" not in built  # known to have no finding: not taken apart again
    assert "broken.ipynb" in built  # its finding is shown with its cells
    uncached = run([folder], Config(), RunOptions())
    assert _codes(uncached) == _codes(cold)


def test_the_gate_search_agrees_with_the_imported_names(tmp_path):
    project = Project(tmp_path)
    project.note_definitions(recurrent_definitions(
        "class Encoder(nn.Module):\n    def __init__(self):\n        self.rnn = nn.LSTM(4, 8)\n"))
    texts = ["from .models import Encoder\n", "from .models import EncoderConfig\n", "from x import *\n",
             "import models.Encoder as e\n", "x = 'Encoder'\n", "from a import (\n    Encoder,\n)\n"]
    for text in texts:
        names = imported_names(text)
        assert project.may_import_definitions(import_words(text)) == ("*" in names or "Encoder" in names), text
    assert not Project(tmp_path).may_import_definitions(import_words("from .models import Encoder\n"))


def test_an_alias_of_a_notebook_name_never_spells_a_recurrent_kind():
    """What lets a run build a notebook's program without renaming first: renaming changes one
    letter of a name into one of the alias letters, and no recurrent kind has such a letter."""
    from rnnlint import _notebook
    from rnnlint._pytorch import RECURRENT_KINDS

    letters = [const for const in _notebook._same_length_alias.__code__.co_consts
               if isinstance(const, str) and len(const) > 10]
    assert len(letters) == 1
    for kind in RECURRENT_KINDS:
        assert not set(kind) & set(letters[0]), kind
    taken: set = set()
    for kind in RECURRENT_KINDS:
        for position in range(len(kind)):
            name = kind[:position] + "Z" + kind[position + 1:]
            assert _notebook._same_length_alias(name, taken) != kind


def test_a_notebook_that_names_no_recurrent_layer_keeps_its_cell_errors_and_program_rows(tmp_path):
    path = _notebook(tmp_path / "plain.ipynb", ["x = 1\n", "x = 2\ndef f():\n    return x\n", "y = (\n",
                                                "def f():\n    return 3\n"])
    result = run([path], Config(), RunOptions())
    assert _codes(result) == [("plain.ipynb", "RNN000", 3)]
    recurrent = _notebook(tmp_path / "model.ipynb", ["import torch.nn as nn\nH = 4\n", "H = 8\n",
                                                     "rnn = nn.LSTM(H, 16)\nfc = nn.Linear(16, 2)\n", "z = (\n"])
    program, error = _runner._notebook_program(recurrent, recurrent.read_text(), {}, b"")
    from rnnlint._notebook import read_notebook

    assert error is None and program == read_notebook(recurrent.read_text(), str(recurrent)).program


def test_a_run_leaves_the_collector_as_it_found_it(tmp_path, monkeypatch):
    import contextlib
    import gc

    (tmp_path / "model.py").write_text("import torch.nn as nn\nrnn = nn.LSTM(4, 8)\n", encoding="utf-8")
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen: list = []
    real = _runner._run
    monkeypatch.setattr(_runner, "_run", lambda *args: seen.append(gc.get_threshold()) or real(*args))
    run([tmp_path], Config(), RunOptions())
    assert seen[0][0] >= _runner.GC_THRESHOLD and gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen

    def broken(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(_runner, "_run", broken)
    with contextlib.suppress(KeyboardInterrupt):
        run([tmp_path], Config(), RunOptions())
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_a_run_whose_process_ends_leaves_the_collector_as_the_run_set_it(tmp_path):
    """The command line ends the process after its run: putting the collector back would start a
    collection of everything the run built (0.04 s of a one-process run of fairseq)."""
    import gc

    (tmp_path / "model.py").write_text("import torch.nn as nn\nrnn = nn.LSTM(4, 8)\n", encoding="utf-8")
    before = gc.get_threshold()
    unfrozen = gc.get_freeze_count() == 0
    try:
        run([tmp_path], Config(), RunOptions(process_ends=True))
        assert gc.get_threshold()[0] >= _runner.GC_THRESHOLD
        assert not unfrozen or gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
        if unfrozen:
            gc.unfreeze()


def test_the_cache_key_changes_with_rnnlint_own_code(tmp_path):
    """An edited module of rnnlint (an editable install) must not be served the results the
    old code computed: the key carries a stamp of the package's modules."""
    from rnnlint._runner import _stamp_of

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    first = _stamp_of(tmp_path)
    assert _stamp_of(tmp_path) == first
    (tmp_path / "sub" / "b.py").write_text("y = 22\n")
    assert _stamp_of(tmp_path) != first
    (tmp_path / "notes.txt").write_text("not code\n")
    second = _stamp_of(tmp_path)
    (tmp_path / "notes.txt").write_text("still not code\n")
    assert _stamp_of(tmp_path) == second
