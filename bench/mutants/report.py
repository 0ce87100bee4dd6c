"""The benchmark's result as tables, and one mutant shown as a diff with what torch and rnnlint
make of it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .benchmark import make_mutants
from .execution import execute, misbehaviour


def render(result: dict, list_all: bool = False) -> str:
    def row(label, t):
        recall = "-" if t["recall"] is None else f"{100 * t['recall']:.1f}%"
        return (f"{label:<43} {t['made']:>5} {t['confirmed']:>9} {t['intended']:>6} {t['other']:>6} "
                f"{t['missed']:>6} {recall:>7}")

    header = f"{'':<43} {'made':>5} {'confirmed':>9} {'right':>6} {'other':>6} {'missed':>6} {'recall':>7}"
    lines = [f"rnnlint mutation benchmark: {result['corpus_files']} clean files, {result['seconds']}s", "",
             header]
    for code, tally in result["rules"].items():
        lines.append(row(code, tally))
    lines.append(row("overall", result["overall"]))
    lines += ["", "by operator (out of scope: candidate sites that the original's run does not show touching an RNN,",
              "or whose RNN class the code does not name)", header]
    for name, tally in sorted(result["operators"].items(), key=lambda item: item[1]["code"]):
        lines.append(row(f"{tally['code']} {name}", tally) + f"  out of scope {tally['out_of_scope']}")
    lines += ["", f"false positives on the clean corpus: {len(result['clean_findings'])}"]
    lines += [f"  {finding}" for finding in result["clean_findings"]]
    if result["broken_originals"]:
        lines += ["", "clean files that fail to run:"] + [f"  {line}" for line in result["broken_originals"]]
    by_name = {m["name"]: m for m in result["mutants"]}
    lines += ["", f"not caught by the intended code ({len(result['overall']['misses'])}):"]
    for name in result["overall"]["misses"]:
        found = ",".join(by_name[name]["found"]) or "nothing"
        lines.append(f"  {name}  [found: {found}]  {by_name[name]['evidence']}")
    crashes = result["overall"]["lint_crashes"]
    if crashes:
        lines += ["", f"rnnlint crashed on ({len(crashes)}):"]
        lines += [f"  {name}  {by_name[name]['lint_error']}" for name in crashes]
    if list_all:
        lines += ["", "all mutants:"]
        for m in result["mutants"]:
            state = m["verdict"] if m["confirmed"] else "not confirmed"
            lines.append(f"  {m['name']:<70} {state:<13} {','.join(m['found'])}  {m['evidence']}")
    return "\n".join(lines)


def show_mutant(corpus: Path, name: str) -> int:
    """Print the diff of one mutant and what torch and rnnlint make of it."""
    import difflib

    from rnnlint._engine import lint_source

    path = corpus / f"{name.split(':')[0]}.py"
    if not path.is_file():
        print(f"mutation: error: no corpus file {path}", file=sys.stderr)
        return 2
    original = execute(path, trace=True)
    mutants, _ = make_mutants(path, original.trace)
    for mutant in mutants:
        if mutant.name != name:
            continue
        source = path.read_text()
        print("".join(difflib.unified_diff(source.splitlines(True), mutant.source.splitlines(True),
                                           f"clean/{path.name}", f"mutant/{path.name}")))
        with tempfile.TemporaryDirectory(prefix="rnnlint-mutant-") as folder:
            mutant_path = Path(folder) / path.name
            mutant_path.write_text(mutant.source)
            evidence = misbehaviour(original, execute(mutant_path, reference=original))
        print(f"torch: {evidence or 'same behaviour as the original'}")
        for finding in lint_source(mutant.source, path.name):
            print(f"rnnlint: {finding.row}:{finding.column + 1}: {finding.code} {finding.message}")
        return 0
    print(f"mutation: error: no mutant named {name}", file=sys.stderr)
    return 2
