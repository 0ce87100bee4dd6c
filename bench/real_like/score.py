"""Recall of rnnlint on the buggy cases of bench/real_like, per capability, against their
`# expect: CODE` markers.

    python bench/real_like/score.py [--json OUT] [--verbose]

Standard library only; runs `python -m rnnlint --no-cache` in a subprocess. Each case is
checked twice: the whole case (its folder, or its file), and each marked file named alone (as
pre-commit and editors call rnnlint). A marker is found when a finding has its file, line and
code. Findings at no marker are listed as extra. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECT = re.compile(r"#\s*expect:\s*(RNN\d{3}(?:\s*,\s*RNN\d{3})*)")
# codes the markers use for rules that do not exist yet (code -> the rule's planned name); none now
PROVISIONAL_CODES: dict[str, str] = {}


def discover(root: Path = HERE) -> list:
    """(case folder or file, entry file), single files first."""
    files = [(path, path) for path in sorted((root / "axes").glob("*.py"))]
    projects = [(path.parent, path) for path in sorted((root / "projects").glob("*/build.py"))]
    return files + projects


def declared(entry: Path) -> dict:
    """The module-level constants ISSUE and CAPABILITY of an entry, read without importing it."""
    values = {}
    for node in ast.parse(entry.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in ("ISSUE", "CAPABILITY")):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def markers(case: Path) -> set:
    found = set()
    for path in sorted(case.rglob("*.py")) if case.is_dir() else [case]:
        for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                found.update((path.resolve(), row, code.strip()) for code in match.group(1).split(","))
    return found


def lint(target: Path) -> set:
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--exit-zero", "--jobs", "1",
                             "--output-format", "json", str(target)],
                            capture_output=True, text=True, timeout=300, cwd=target.parent)
    if result.returncode != 0:
        raise SystemExit(f"score.py: error: rnnlint failed on {target}: {result.stderr.strip()}")
    return {(Path(target.parent, item["filename"]).resolve(), item["location"]["row"], item["code"])
            for item in json.loads(result.stdout or "[]")}


def score(root: Path = HERE) -> dict:
    root = root.resolve()
    cases = []
    for case, entry in discover(root):
        info = declared(entry)
        expected = markers(case)
        whole = lint(case)
        alone = set()
        for path in sorted({marker[0] for marker in expected}):
            alone |= {finding for finding in lint(path) if finding[0] == path}
        name = f"{case.parent.name}/{case.stem if case.is_file() else case.name}"
        cases.append({
            "case": name,
            "issue": info.get("ISSUE"),
            "capability": info.get("CAPABILITY", "?"),
            "markers": [_show(marker, root) for marker in sorted(expected)],
            "found": [_show(marker, root) for marker in sorted(expected & whole)],
            "found_alone": [_show(marker, root) for marker in sorted(expected & alone)],
            "extra": [_show(finding, root) for finding in sorted(whole - expected)],
        })
    return {"cases": cases}


def _show(item, root: Path) -> str:
    path, row, code = item
    return f"{path.relative_to(root).as_posix()}:{row}: {code}"


def _recall(found: int, total: int) -> str:
    return f"{100 * found / total:5.1f} %" if total else "    -"


def report(result: dict, verbose: bool) -> str:
    rows = defaultdict(lambda: [0, 0, 0, 0])  # cases, markers, found, found alone
    for case in result["cases"]:
        for key in ((case["issue"], case["capability"]), (case["issue"], "all"), ("all", "all")):
            tally = rows[key]
            tally[0] += 1
            tally[1] += len(case["markers"])
            tally[2] += len(case["found"])
            tally[3] += len(case["found_alone"])
    lines = ["rnnlint on bench/real_like: recall against the `# expect:` markers", "",
             f"{'issue':<6}{'capability':<32}{'cases':>6}{'markers':>8}{'found':>7}{'recall':>9}"
             f"{'alone':>7}{'recall':>9}"]
    order = sorted(rows, key=lambda key: (str(key[0]), key[1] == "all", key[1]))
    for issue, capability in order:
        cases, total, found, alone = rows[(issue, capability)]
        lines.append(f"{issue!s:<6}{capability:<32}{cases:>6}{total:>8}{found:>7}{_recall(found, total):>9}"
                     f"{alone:>7}{_recall(alone, total):>9}")
    lines += ["", "found: the whole case checked (its folder or file); alone: each marked file named alone"]
    if PROVISIONAL_CODES:
        lines.append("provisional codes: " + ", ".join(f"{code} = {name}" for code, name in PROVISIONAL_CODES.items()))
    extra = [(case["case"], item) for case in result["cases"] for item in case["extra"]]
    lines += ["", f"findings at no marker: {len(extra)}"] + [f"  {case}: {item}" for case, item in extra]
    if verbose:
        lines.append("")
        for case in result["cases"]:
            missed = sorted(set(case["markers"]) - set(case["found"]))
            state = "found" if not missed else "missed " + ", ".join(missed)
            lines.append(f"  {case['case']:<58} {case['capability']:<30} {state}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the case-by-case result here")
    parser.add_argument("--verbose", action="store_true", help="list every case and what was missed")
    args = parser.parse_args(argv)
    result = score()
    print(report(result, args.verbose))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
