"""bench/sweep/: the list of repositories is well formed and the sweep runs end to end.

No network and none of the listed repositories: the sweep itself is a benchmark. The tests
build a tiny git repository in tmp_path, export it the way the sweep exports a partial clone
(one blob deleted from its object store) and lint it.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from conftest import ROOT

BENCH = ROOT / "bench" / "sweep"


def _load_sweep():
    spec = importlib.util.spec_from_file_location("rnnlint_sweep_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


sweep = _load_sweep()
HEADER = "\t".join(sweep.COLUMNS)


def _list(tmp_path, *rows):
    path = tmp_path / "REPOS.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_list_is_well_formed_and_large_enough():
    rows = sweep.read_list()
    assert len(rows) >= 109
    assert {row["group"] for row in rows} == set(sweep.GROUPS)


def test_the_list_holds_every_repository_of_the_real_bugs_manifest():
    manifest = (ROOT / "bench" / "real_bugs" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    column = manifest[0].split("\t").index("repo")
    wanted = {line.split("\t")[column] for line in manifest[1:] if line.strip()}
    assert wanted <= {row["repo"] for row in sweep.read_list()}


@pytest.mark.parametrize("row, message", [
    ("no-slash\tadded\tRNN code", "owner/name"),
    ("a/b\tsomewhere\tRNN code", "group must be"),
    ("a/b\tadded\t", "why is required"),
    ("a/b\tadded", "2 cells"),
])
def test_a_bad_row_is_rejected_with_its_line(tmp_path, row, message):
    with pytest.raises(sweep.ListError, match=f":2: .*{message}"):
        sweep.read_list(_list(tmp_path, row))


def test_a_repository_listed_twice_is_rejected(tmp_path):
    with pytest.raises(sweep.ListError, match=":3: A/B is listed twice"):
        sweep.read_list(_list(tmp_path, "a/b\tadded\tRNN code", "A/B\tadded\tRNN code"))


def test_the_bench_folder_holds_no_code_of_the_repositories():
    assert sorted(p.name for p in BENCH.iterdir() if p.name != "__pycache__") == ["REPOS.tsv", "run.py"]


def test_the_scratch_folder_must_be_outside_the_checkout(tmp_path):
    with pytest.raises(ValueError, match="inside the checkout"):
        sweep.check_scratch(ROOT / "scratch")
    assert sweep.check_scratch(tmp_path) == tmp_path.resolve()


DROPOUT = """import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, dropout=0.5)

    def forward(self, x):
        return self.gru(x)
"""
NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": [
        "import torch.nn as nn\n", "lstm = nn.LSTM(4, 8, nonlinearity='relu')\n"]}]}
CORRECT = "import torch.nn as nn\n\nrnn = nn.LSTM(4, 8, num_layers=2, dropout=0.1)\n"


def _git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}).stdout.strip()


def _mirror(tmp_path):
    """owner+name/repo: a clone whose HEAD has a finding in a .py file and one in a notebook, a
    correct file, a Python 2 file, a README, and a file whose blob the object store lacks."""
    work = tmp_path / "mirrors" / "owner+name" / "repo"
    (work / "pkg").mkdir(parents=True)
    _git(work, "init", "-q")
    (work / "pkg" / "encoder.py").write_text(DROPOUT, encoding="utf-8")
    (work / "tutorial.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    (work / "ok.py").write_text(CORRECT, encoding="utf-8")
    (work / "old.py").write_text("import torch.nn as nn\nrnn = nn.GRU(4, 8)\nprint 'python 2'\n", encoding="utf-8")
    (work / "README.md").write_text("import torch\n", encoding="utf-8")
    (work / "gone.py").write_text("x = 'a blob the clone lacks'\n", encoding="utf-8")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "one")
    gone = _git(work, "rev-parse", "HEAD:gone.py")
    (work / ".git" / "objects" / gone[:2] / gone[2:]).unlink()
    return work


def test_the_sweep_exports_lints_and_reports_a_repository(tmp_path, capsys):
    _mirror(tmp_path)
    repos = _list(tmp_path, "owner/name\tadded\tRNN code", "someone/absent\tadded\tnot fetched")
    out_json = tmp_path / "out.json"
    code = sweep.main(["--mirrors", str(tmp_path / "mirrors"), "--repos", str(repos),
                       "--scratch", str(tmp_path / "scratch"), "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 0
    exported = sorted(p.relative_to(tmp_path / "scratch" / "owner+name").as_posix()
                      for p in (tmp_path / "scratch" / "owner+name").rglob("*") if p.is_file())
    assert exported == ["ok.py", "old.py", "pkg/encoder.py", "tutorial.ipynb"]
    result = json.loads(out_json.read_text(encoding="utf-8"))
    first = result["repositories"][0]
    assert (first["status"], first["files"], first["missing"]) == ("ok", 4, 1)
    assert [(f["path"], f["row"], f["code"]) for f in first["findings"]] == [
        ("pkg/encoder.py", 7, "RNN009"), ("tutorial.ipynb", 2, "RNN011")]
    assert [f["cell"] for f in first["findings"]] == [None, 1]
    assert [f["path"] for f in first["unparsed"]] == ["old.py"]
    assert result["repositories"][1]["status"] == "no-clone"
    total = result["total"]
    assert (total["swept"], total["files"], total["missing"], total["findings"], total["unparsed"]) == (1, 4, 1, 2, 1)
    assert total["not_swept"] == ["someone/absent"]
    assert "Total: 1/2 repositories swept, 4 files (1 blobs missing), 2 findings" in out
    assert "owner/name pkg/encoder.py:7:" in out and "owner/name tutorial.ipynb:cell 1:2:" in out


def test_a_time_out_is_a_finding_of_the_sweep_and_fails_the_run(tmp_path, capsys):
    _mirror(tmp_path)
    repos = _list(tmp_path, "owner/name\tadded\tRNN code")
    code = sweep.main(["--mirrors", str(tmp_path / "mirrors"), "--repos", str(repos), "--timeout", "0.001"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Sweep findings (crashes, time-outs, internal errors): 1" in out
    assert "owner/name: timeout: rnnlint did not finish in 0.001 s" in out


def test_only_names_listed_repositories(tmp_path, capsys):
    (tmp_path / "mirrors").mkdir()
    repos = _list(tmp_path, "owner/name\tadded\tRNN code")
    assert sweep.main(["--mirrors", str(tmp_path / "mirrors"), "--repos", str(repos), "--only", "x/y"]) == 2
    assert "--only: not listed: x/y" in capsys.readouterr().err
