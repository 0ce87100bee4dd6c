"""Correct look-alikes of what the rest of one file sets: rnnlint reports nothing on them.

tests/corpus/clean_program holds correct single-file models whose layers, sizes and flags come
from elsewhere in the file: module-level factories and helpers, `functools.partial`, lambdas,
`getattr(nn, name)` and dict registries, base classes and overridden hooks, argparse defaults,
dataclass and dict configs, construction sites that pass what the signature's default would
get wrong. They follow the clean corpus's `build()` protocol and run with torch in
tests/test_corpus_clean_torch.py; they are kept out of tests/corpus/clean, where the mutation
benchmark plants bugs in every file.
"""
from pathlib import Path

import pytest

from rnnlint import lint_paths

PROGRAM_CORPUS_DIR = Path(__file__).parent / "corpus" / "clean_program"
PROGRAM_FILES = sorted(PROGRAM_CORPUS_DIR.glob("*.py"))
MINIMUM_PROGRAM_FILES = 12


def test_the_program_corpus_is_large_enough():
    assert len(PROGRAM_FILES) >= MINIMUM_PROGRAM_FILES


def test_no_name_is_shared_with_the_other_corpora():
    others = {path.name for folder in ("clean", "clean_axes")
              for path in (PROGRAM_CORPUS_DIR.parent / folder).glob("*.py")}
    assert others.isdisjoint(path.name for path in PROGRAM_FILES)


@pytest.mark.parametrize("path", PROGRAM_FILES, ids=[path.stem for path in PROGRAM_FILES])
def test_no_finding_on_a_correct_look_alike(path):
    findings = lint_paths([str(path)])
    assert [(finding.row, finding.code, finding.message) for finding in findings] == []
