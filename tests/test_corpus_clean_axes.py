"""Correct look-alikes of axis, layout and recurrent-cell code: rnnlint reports nothing on them.

tests/corpus/clean_axes holds correct models that look like the bugs of reshapes, state slices,
convolution front ends, step loops and cells (`view(L, 2, B, H)[-1]`, a cat of `h_n[0::2]` and
`h_n[1::2]`, conv -> permute -> RNN, `for t in range(x.size(1))` feeding a cell). They follow
the clean corpus's `build()` protocol and run with torch in tests/test_corpus_clean_torch.py.
They are kept out of tests/corpus/clean because the mutation benchmark plants bugs in every
file there, and today's analysis misses the bugs planted in these idioms: that is the work
they prepare, and the benchmark's per-rule floors would fail before it is done.
"""
from pathlib import Path

import pytest

from rnnlint import lint_paths

AXES_CORPUS_DIR = Path(__file__).parent / "corpus" / "clean_axes"
AXES_FILES = sorted(AXES_CORPUS_DIR.glob("*.py"))
MINIMUM_AXES_FILES = 12


def test_the_axes_corpus_is_large_enough():
    assert len(AXES_FILES) >= MINIMUM_AXES_FILES


def test_no_name_is_shared_with_the_clean_corpus():
    clean = {path.name for path in (AXES_CORPUS_DIR.parent / "clean").glob("*.py")}
    assert clean.isdisjoint(path.name for path in AXES_FILES)


@pytest.mark.parametrize("path", AXES_FILES, ids=[path.stem for path in AXES_FILES])
def test_no_finding_on_a_correct_look_alike(path):
    findings = lint_paths([str(path)])
    assert [(finding.row, finding.code, finding.message) for finding in findings] == []
