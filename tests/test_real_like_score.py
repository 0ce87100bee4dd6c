"""bench/real_like: every case is described and marked, and score.py counts what it should.

The recall itself is a benchmark figure (printed by score.py), not asserted here.
"""
import importlib.util
import sys
import textwrap

import pytest

from rnnlint.rules import ALL_RULES

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("rnnlint_real_like_score", ROOT / "bench" / "real_like" / "score.py")
score = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = score
_spec.loader.exec_module(score)

KNOWN_CODES = {rule.CODE for rule in ALL_RULES} | set(score.PROVISIONAL_CODES)


def test_every_case_declares_its_issue_and_capability_and_has_markers():
    cases = score.discover()
    assert len(cases) >= 30
    for case, entry in cases:
        info = score.declared(entry)
        assert info.get("ISSUE") in (12, 13), entry
        assert info.get("CAPABILITY"), entry
        marked = score.markers(case)
        assert marked, case
        assert {code for _, _, code in marked} <= KNOWN_CODES, case


def test_provisional_codes_are_not_taken_by_a_rule():
    # when the new rule gets its code, the markers and PROVISIONAL_CODES move with it
    assert not set(score.PROVISIONAL_CODES) & {rule.CODE for rule in ALL_RULES}


BUGGY_HEAD = textwrap.dedent("""\
    import torch.nn as nn


    class Classifier(nn.Module):
        def __init__(self, hidden=8):
            super().__init__()
            self.lstm = nn.LSTM(4, hidden, batch_first=True, bidirectional=True)
            self.fc = nn.Linear(hidden, 2)  # expect: RNN001

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.fc(out[:, -1])
""")


@pytest.mark.slow  # one rnnlint process per case and per file of a case
def test_score_counts_found_missed_and_extra(tmp_path):
    (tmp_path / "axes").mkdir()
    # two lines of declarations above the code: the marker is on line 10
    (tmp_path / "axes" / "found.py").write_text('ISSUE = 13\nCAPABILITY = "a"\n' + BUGGY_HEAD)
    # the marker names the wrong line: the finding is extra and the marker missed
    shifted = BUGGY_HEAD.replace("  # expect: RNN001", "").replace(
        "return self.fc(out[:, -1])", "return self.fc(out[:, -1])  # expect: RNN001")
    project = tmp_path / "projects" / "missed"
    project.mkdir(parents=True)
    (project / "model.py").write_text(shifted)
    (project / "build.py").write_text('ISSUE = 12\nCAPABILITY = "b"\n')
    scored = score.score(tmp_path)
    result = {case["case"]: case for case in scored["cases"]}
    assert result["axes/found"]["found"] == ["axes/found.py:10: RNN001"]
    assert result["axes/found"]["found_alone"] == ["axes/found.py:10: RNN001"]
    assert result["axes/found"]["extra"] == []
    assert result["projects/missed"]["markers"] == ["projects/missed/model.py:12: RNN001"]
    assert result["projects/missed"]["found"] == []
    assert result["projects/missed"]["extra"] == ["projects/missed/model.py:8: RNN001"]
    text = score.report(scored, verbose=True)
    assert "missed projects/missed/model.py:12: RNN001" in text
