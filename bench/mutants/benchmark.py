"""The benchmark: make every mutant of every clean file, confirm it with torch, lint it, tally."""

from __future__ import annotations

import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .execution import execute, misbehaviour
from .operators import OPERATORS
from .recorder import Trace
from .sites import Sites
from .syntax import SourceFacts

REPO = Path(__file__).resolve().parents[2]
CLEAN_CORPUS = REPO / "tests" / "corpus" / "clean"
# every code an operator below is tied to; a test checks each gets enough confirmed mutants
RULE_CODES = ("RNN001", "RNN002", "RNN003", "RNN004", "RNN005", "RNN006", "RNN007", "RNN008",
              "RNN009", "RNN010", "RNN011")


@dataclass
class Mutant:
    file: str
    operator: str
    code: str
    site: str
    source: str = field(repr=False)
    confirmed: bool = False
    evidence: str = ""
    found: tuple = ()
    verdict: str = ""       # "intended", "other", "missed" (confirmed mutants only)
    lint_error: str = ""    # rnnlint raised instead of answering

    @property
    def name(self) -> str:
        return f"{self.file}:{self.operator}:{self.site}"


def make_mutants(path: Path, trace: Trace) -> tuple:
    """(mutants, out-of-scope count per operator) for one corpus file."""
    source = path.read_text()
    facts = SourceFacts(source)
    sites = Sites(facts, trace)
    mutants, skipped = [], Counter()
    for op in OPERATORS:
        seen, labels = {source}, Counter()
        for candidate in op.find(sites):
            if not candidate.in_scope:
                skipped[op.name] += 1
                continue
            mutated = facts.module.deep_replace(candidate.old, candidate.new).code
            if mutated in seen:
                continue
            seen.add(mutated)
            line = facts.line(candidate.anchor)
            labels[line] += 1
            site = f"L{line}" if labels[line] == 1 else f"L{line}.{labels[line]}"
            mutants.append(Mutant(path.stem, op.name, op.code, site, mutated))
    return mutants, skipped


def run_benchmark(corpus: Path = CLEAN_CORPUS, progress: Callable[[str], None] | None = None,
                  match: str = "") -> dict:
    """Make, confirm and lint every mutant; the result is what --json writes."""
    import torch

    from rnnlint._engine import lint_source

    started = time.perf_counter()
    threads, torch_rng, python_rng = torch.get_num_threads(), torch.get_rng_state(), random.getstate()
    torch.set_num_threads(1)
    files = [path for path in sorted(corpus.glob("*.py")) if match in path.stem]
    clean_findings, mutants, skipped, broken = [], [], Counter(), []
    try:
        with tempfile.TemporaryDirectory(prefix="rnnlint-mutants-") as folder:
            for path in files:
                source = path.read_text()
                try:
                    clean_findings.extend(f"{path.name}:{f.row}:{f.column + 1}: {f.code} {f.message}"
                                          for f in lint_source(source, str(path)))
                except Exception as error:  # noqa: BLE001 - a crash on clean code is reported, not hidden
                    clean_findings.append(f"{path.name}: rnnlint crashed: {type(error).__name__}: {error}")
                original = execute(path, trace=True)
                if original.error:
                    broken.append(f"{path.name}: {original.error}")
                    continue
                made, out_of_scope = make_mutants(path, original.trace)
                original.trace = None
                skipped.update(out_of_scope)
                for index, mutant in enumerate(made):
                    mutant_path = Path(folder) / f"{path.stem}__m{index}.py"
                    mutant_path.write_text(mutant.source)
                    result = execute(mutant_path, reference=original)
                    evidence = misbehaviour(original, result)
                    mutant.confirmed = evidence is not None
                    mutant.evidence = evidence or "same behaviour as the original"
                    if mutant.confirmed:
                        mutant.found, mutant.lint_error = _lint(lint_source, mutant.source, f"{path.stem}.py")
                        mutant.verdict = ("intended" if mutant.code in mutant.found
                                          else "other" if mutant.found else "missed")
                mutants.extend(made)
                if progress:
                    progress(f"{path.stem}: {len(made)} mutants")
    finally:
        torch.set_num_threads(threads)
        torch.set_rng_state(torch_rng)
        random.setstate(python_rng)
    return _summarise(files, clean_findings, mutants, skipped, broken, time.perf_counter() - started)


def _lint(lint_source, source: str, path: str) -> tuple:
    """(codes found, crash description or "")."""
    try:
        return tuple(sorted({finding.code for finding in lint_source(source, path)})), ""
    except Exception as error:  # noqa: BLE001 - a crash is a miss, and is listed
        return (), f"{type(error).__name__}: {error}"


def _tally(group: list) -> dict:
    confirmed = [m for m in group if m.confirmed]
    counts = Counter(m.verdict for m in confirmed)
    return {
        "made": len(group), "confirmed": len(confirmed), "intended": counts["intended"],
        "other": counts["other"], "missed": counts["missed"],
        "recall": round(counts["intended"] / len(confirmed), 4) if confirmed else None,
        "misses": sorted(m.name for m in confirmed if m.verdict != "intended"),
        "lint_crashes": sorted(m.name for m in confirmed if m.lint_error),
    }


def _summarise(files, clean_findings, mutants, skipped, broken, seconds) -> dict:
    by_code, by_operator = defaultdict(list), defaultdict(list)
    for mutant in mutants:
        by_code[mutant.code].append(mutant)
        by_operator[mutant.operator].append(mutant)
    operators = {}
    for op in OPERATORS:
        tally = _tally(by_operator[op.name])
        tally.update(code=op.code, summary=op.summary, out_of_scope=skipped[op.name])
        operators[op.name] = tally
    return {
        "corpus_files": len(files),
        "clean_findings": clean_findings,
        "broken_originals": broken,
        "overall": _tally(mutants),
        "rules": {code: _tally(by_code[code]) for code in RULE_CODES if by_code[code]},
        "operators": operators,
        "mutants": [{key: value for key, value in asdict(m).items() if key != "source"} | {"name": m.name}
                    for m in mutants],
        "seconds": round(seconds, 1),
    }
