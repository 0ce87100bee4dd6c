"""bench/real_bugs/: the manifest is well formed and the scorer restores and scores a case.

No network and no clone of the listed repositories: the scoring itself is a benchmark. The
last test builds a tiny git repository in tmp_path to run the scorer end to end.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from rnnlint.rules import RULES_BY_CODE

from conftest import ROOT

BENCH = ROOT / "bench" / "real_bugs"


def _load_scorer():
    spec = importlib.util.spec_from_file_location("rnnlint_real_bugs_score", BENCH / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


score = _load_scorer()
HEADER = "\t".join(score.COLUMNS)


def _row(**cells):
    base = dict(id="a-case", kind="bug", repo="owner/name", commit="0" * 40, files="m.py", expected="m.py:3",
                rule="RNN001", source="https://example.org/issue/1", baseline="found", reason="", note="")
    base.update(cells)
    return "\t".join(base[c] for c in score.COLUMNS)


def _write(tmp_path, *rows):
    path = tmp_path / "MANIFEST.tsv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_manifest_is_well_formed_and_large_enough():
    cases = score.read_manifest(known_codes=set(RULES_BY_CODE))
    bugs = [c for c in cases if c.kind == "bug"]
    correct = [c for c in cases if c.kind == "correct"]
    assert len(bugs) >= 30
    assert sum(len(c.files) for c in correct) >= 40
    assert len({(c.repo, c.commit, tuple(c.files)) for c in cases}) == len(cases)
    for case in bugs:
        assert case.rule in RULES_BY_CODE
        if case.baseline == "missed":
            assert case.reason.partition(":")[0] in score.REASON_CATEGORIES


@pytest.mark.parametrize("cells, message", [
    (dict(commit="abc123"), "40 lower-case hex"),
    (dict(rule="RNN999"), "unknown rule"),
    (dict(baseline="missed"), "needs a reason"),
    (dict(baseline="missed", reason="because: it is hard"), "needs a reason"),
    (dict(expected="other.py:3"), "not among the files"),
    (dict(expected="m.py"), "file.py:LINE"),
    (dict(repo="no-slash"), "owner/name"),
    (dict(files="/abs/m.py", expected="/abs/m.py:3"), "relative"),
    (dict(kind="correct"), "no expected location"),
    (dict(source=""), "source is required"),
])
def test_a_bad_row_is_rejected_with_its_line(tmp_path, cells, message):
    path = _write(tmp_path, _row(**cells))
    with pytest.raises(score.ManifestError, match=message):
        score.read_manifest(path, known_codes=set(RULES_BY_CODE))


def test_a_wrong_header_or_column_count_is_rejected(tmp_path):
    bad_header = tmp_path / "BAD.tsv"
    bad_header.write_text("id\tkind\n", encoding="utf-8")
    with pytest.raises(score.ManifestError, match="header"):
        score.read_manifest(bad_header)
    with pytest.raises(score.ManifestError, match="columns"):
        score.read_manifest(_write(tmp_path, _row() + "\textra"))


def test_the_bench_folder_holds_no_code_of_the_cases():
    assert sorted(p.name for p in BENCH.iterdir() if p.name != "__pycache__") == ["MANIFEST.tsv", "README.md",
                                                                                  "score.py"]


def test_the_scratch_folder_must_be_outside_the_checkout(tmp_path):
    with pytest.raises(ValueError, match="inside the checkout"):
        score.check_scratch(ROOT / "scratch")
    assert score.check_scratch(tmp_path) == tmp_path.resolve()


BUGGY = """import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self, hidden_size):
        super().__init__()
        self.lstm = nn.LSTM(16, hidden_size, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(hidden_size, 4)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
"""
FIXED = BUGGY.replace("nn.Linear(hidden_size, 4)", "nn.Linear(2 * hidden_size, 4)")


def _git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}).stdout.strip()


@pytest.mark.slow  # git clones and several rnnlint runs
def test_the_scorer_restores_a_case_from_a_local_clone_and_scores_it(tmp_path, capsys):
    clone = tmp_path / "mirrors" / "owner+name"
    (clone / "pkg").mkdir(parents=True)
    _git(clone, "init", "-q")
    (clone / "pkg" / "tagger.py").write_text(BUGGY, encoding="utf-8")
    _git(clone, "add", ".")
    _git(clone, "commit", "-q", "-m", "buggy")
    buggy = _git(clone, "rev-parse", "HEAD")
    (clone / "pkg" / "tagger.py").write_text(FIXED, encoding="utf-8")
    _git(clone, "commit", "-q", "-am", "fixed")
    fixed = _git(clone, "rev-parse", "HEAD")
    manifest = _write(tmp_path,
                      _row(id="bug-case", commit=buggy, files="pkg/tagger.py", expected="pkg/tagger.py:8"),
                      _row(id="missed-case", commit=buggy, files="pkg/tagger.py", expected="pkg/tagger.py:7",
                           rule="RNN009", baseline="missed", reason="not-modelled: a planted miss"),
                      _row(id="ok-case", kind="correct", commit=fixed, files="pkg/tagger.py", expected="", rule="",
                           baseline=""))
    keep = tmp_path / "scratch"
    code = score.main(["--mirrors", str(tmp_path / "mirrors"), "--manifest", str(manifest), "--keep", str(keep)])
    out = capsys.readouterr().out
    assert code == 0
    assert "recall: 1/2 = 50.0 % (files named: 1, folder: 1)" in out
    assert "findings on correct files (false positives unless judged otherwise): 0 in 0 rows" in out
    assert "not-modelled: missed-case" in out
    assert (keep / "ok-case" / "pkg" / "tagger.py").read_text(encoding="utf-8") == FIXED


def test_a_missing_clone_is_reported_not_raised(tmp_path, capsys):
    manifest = _write(tmp_path, _row())
    (tmp_path / "mirrors").mkdir()
    assert score.main(["--mirrors", str(tmp_path / "mirrors"), "--manifest", str(manifest)]) == 0
    assert "no local clone of owner/name" in capsys.readouterr().out


def test_without_mirrors_the_scorer_exits_2_with_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RNNLINT_REAL_BUGS_MIRRORS", raising=False)
    assert score.main(["--mirrors", str(tmp_path / "absent")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("score.py: error:") and err.count("\n") == 1
