"""Recall of rnnlint on real upstream RNN shape bugs, and its findings on real correct files.

Restores the files each row of MANIFEST.tsv names, at its commit, from local clones of the
repositories into a scratch folder outside the checkout, runs rnnlint on them as a user would
(the files named on the command line, then the case's folder) and prints the figures and a
case-by-case table. Standard library only; no code of the repositories is ever written into
the checkout.

    python bench/real_bugs/score.py --mirrors DIR [--only ID,ID] [--keep DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MANIFEST = HERE / "MANIFEST.tsv"

COLUMNS = ("id", "kind", "repo", "commit", "files", "expected", "rule", "source", "baseline", "reason", "note")
KINDS = ("bug", "correct")
BASELINES = ("found", "missed", "")
# A reason is "category: detail"; the categories the README counts.
REASON_CATEGORIES = (
    "module-global",      # a size or flag bound at module level (often under __main__)
    "argparse",           # a value that is an argparse default
    "config-object",      # a dict, dataclass, namespace or config class field
    "construction-site",  # a value only the call that builds the class passes
    "other-file",         # the layer, head or value is defined in another file
    "base-class",         # the layers come from a base class
    "dynamic-layer",      # getattr(nn, name), a registry or a class passed in
    "helper-call",        # the tensor flows through a function or method not followed
    "cross-module",       # a state made by one module's forward is used in another module's forward
    "other-method",       # the bug is in a method forward never calls (inference(), sample(), a loop)
    "not-modelled",       # a shape operation or API the analysis has no model of
)
HEX40 = re.compile(r"[0-9a-f]{40}")
REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
LOCATION = re.compile(r"[^:|]+\.py:\d+")


class ManifestError(ValueError):
    pass


@dataclass
class Case:
    id: str
    kind: str
    repo: str
    commit: str
    files: list
    expected: list  # of (path, line); several are alternatives
    rule: str
    source: str
    baseline: str
    reason: str
    note: str
    line_no: int = 0


@dataclass
class Outcome:
    case: Case
    error: str = ""
    named: list = field(default_factory=list)   # findings with the files named
    folder: list = field(default_factory=list)  # findings with the folder given

    def hit(self, findings) -> bool:
        return any(f["code"] == self.case.rule and (f["path"], f["row"]) in self.case.expected for f in findings)

    @property
    def found(self) -> bool:
        return not self.error and (self.hit(self.named) or self.hit(self.folder))


def read_manifest(path: Path = MANIFEST, known_codes=None) -> list:
    """Parse and validate MANIFEST.tsv; raise ManifestError naming the first bad line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(n, line) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    if not body or tuple(body[0][1].split("\t")) != COLUMNS:
        raise ManifestError(f"{path.name}: the first line must be the header {' '.join(COLUMNS)}")
    cases, ids = [], set()
    for n, line in body[1:]:
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise ManifestError(f"{path.name}:{n}: {len(cells)} columns, expected {len(COLUMNS)}")
        row = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))

        def bad(what, n=n, row=row):
            raise ManifestError(f"{path.name}:{n}: {row['id'] or '?'}: {what}")

        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", row["id"]):
            bad("id must be lower-case letters, digits and dashes")
        if row["id"] in ids:
            bad("duplicate id")
        ids.add(row["id"])
        if row["kind"] not in KINDS:
            bad(f"kind must be one of {KINDS}")
        if not REPO.fullmatch(row["repo"]):
            bad("repo must be owner/name")
        if not HEX40.fullmatch(row["commit"]):
            bad("commit must be 40 lower-case hex digits")
        files = [f.strip() for f in row["files"].split(",") if f.strip()]
        if not files or any(f.startswith(("/", "..")) or "\\" in f for f in files):
            bad("files must be one or more paths relative to the repository root")
        if not row["source"]:
            bad("source is required (an issue or pull request URL, or a fix commit)")
        if row["baseline"] not in BASELINES:
            bad(f"baseline must be one of {BASELINES[:2]} or empty")
        expected = []
        if row["kind"] == "bug":
            for alt in row["expected"].split("|"):
                if not LOCATION.fullmatch(alt.strip()):
                    bad("expected must be file.py:LINE (alternatives separated by |)")
                where, _, line_text = alt.strip().rpartition(":")
                if where not in files:
                    bad(f"expected file {where} is not among the files")
                expected.append((where, int(line_text)))
            if not re.fullmatch(r"RNN\d{3}", row["rule"]) or (known_codes and row["rule"] not in known_codes):
                bad(f"unknown rule {row['rule']!r}")
            if not row["baseline"]:
                bad("baseline (found or missed) is required for a bug")
            if row["baseline"] == "missed":
                category = row["reason"].partition(":")[0].strip()
                if category not in REASON_CATEGORIES or not row["reason"].partition(":")[2].strip():
                    bad(f"a missed bug needs a reason 'category: detail', category one of {REASON_CATEGORIES}")
        else:
            if row["expected"] or row["rule"]:
                bad("a correct file has no expected location and no rule")
        cases.append(Case(row["id"], row["kind"], row["repo"], row["commit"], files, expected, row["rule"],
                          row["source"], row["baseline"], row["reason"], row["note"], n))
    return cases


def find_git_dir(mirrors: Path, repo: str):
    """The git directory of a local clone of ``repo`` under ``mirrors``, or None."""
    owner, name = repo.split("/")
    flat = f"{owner}+{name}"
    candidates = [mirrors / flat / "repo" / ".git", mirrors / flat / "repo", mirrors / flat / ".git",
                  mirrors / flat, mirrors / f"{flat}.git", mirrors / owner / name / ".git", mirrors / owner / name,
                  mirrors / f"{owner}/{name}.git", mirrors / name / ".git", mirrors / name]
    for candidate in candidates:
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def restore(case: Case, mirrors: Path, dest: Path) -> str:
    """Write the case's files at its commit under ``dest``; return an error text or ''."""
    git_dir = find_git_dir(mirrors, case.repo)
    if git_dir is None:
        return f"no local clone of {case.repo} under {mirrors}"
    for rel in case.files:
        shown = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{case.commit}:{rel}"],
                               capture_output=True, timeout=60)
        if shown.returncode != 0:
            return f"{rel} not at {case.commit[:10]}: {shown.stderr.decode(errors='replace').strip()[:120]}"
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
    # the case's folder is its repository's root, as in a clone (a `.git` folder marks it)
    (dest / ".git").mkdir(exist_ok=True)
    return ""


def run_rnnlint(cwd: Path, paths) -> list:
    completed = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json",
                                "--exit-zero", "--jobs", "1", *paths], cwd=cwd, capture_output=True, text=True,
                               timeout=300)
    if completed.returncode != 0:
        raise RuntimeError((completed.stderr.strip().splitlines() or ["rnnlint failed"])[-1])
    findings = []
    for item in json.loads(completed.stdout or "[]"):
        path = Path(item["filename"])
        rel = path.resolve().relative_to(cwd.resolve()).as_posix() if path.is_absolute() else path.as_posix()
        findings.append({"path": rel, "row": item["location"]["row"], "code": item["code"],
                         "message": item["message"]})
    return sorted(findings, key=lambda f: (f["path"], f["row"], f["code"]))


def score_case(case: Case, mirrors: Path, scratch: Path) -> Outcome:
    folder = scratch / case.id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    outcome = Outcome(case)
    outcome.error = restore(case, mirrors, folder)
    if outcome.error:
        return outcome
    try:
        outcome.named = run_rnnlint(folder, case.files)
        outcome.folder = run_rnnlint(folder, ["."])
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        outcome.error = f"rnnlint: {exc}"
    return outcome


def check_scratch(path: Path) -> Path:
    path = path.resolve()
    if path == ROOT or ROOT in path.parents:
        raise ValueError(f"the scratch folder {path} is inside the checkout; the cases' code must stay out of it")
    return path


def _unique(findings) -> list:
    """Findings of both runs, each (path, row, code) once, in order."""
    return sorted({(f["path"], f["row"], f["code"]): f for f in findings}.values(),
                  key=lambda f: (f["path"], f["row"], f["code"]))


def _short(findings) -> str:
    return ", ".join(f"{f['path']}:{f['row']} {f['code']}" for f in findings) or "-"


def report(outcomes, out=None) -> dict:
    out = out or sys.stdout
    bugs = [o for o in outcomes if o.case.kind == "bug"]
    correct = [o for o in outcomes if o.case.kind == "correct"]
    scored_bugs = [o for o in bugs if not o.error]
    found = [o for o in scored_bugs if o.found]
    found_named = [o for o in scored_bugs if o.hit(o.named)]
    found_folder = [o for o in scored_bugs if o.hit(o.folder)]
    scored_correct = [o for o in correct if not o.error]
    fp_files = [o for o in scored_correct if o.named or o.folder]
    fp_count = sum(len({(f["path"], f["row"], f["code"]) for f in o.named + o.folder}) for o in scored_correct)
    other = [o for o in scored_bugs
             if [f for f in o.named + o.folder
                 if not (f["code"] == o.case.rule and (f["path"], f["row"]) in o.case.expected)]]

    def pct(a, b):
        return f"{100 * a / b:.1f} %" if b else "n/a"

    print("case-by-case (bugs)", file=out)
    print(f"  {'id':<34} {'rule':<7} {'expected':<44} {'result':<7} {'baseline':<8} other findings", file=out)
    for o in bugs:
        c = o.case
        where = "|".join(f"{p}:{n}" for p, n in c.expected)
        result = "error" if o.error else ("found" if o.found else "missed")
        extra = o.error or _short(_unique(f for f in o.named + o.folder
                                          if not (f["code"] == c.rule and (f["path"], f["row"]) in c.expected)))
        flag = "" if o.error or c.baseline == result else "  (baseline says " + c.baseline + ")"
        print(f"  {c.id:<34} {c.rule:<7} {where[-44:]:<44} {result:<7} {c.baseline:<8} {extra}{flag}", file=out)
    print("\ncorrect files", file=out)
    for o in correct:
        c = o.case
        result = "error: " + o.error if o.error else _short(_unique(o.named + o.folder))
        print(f"  {c.id:<34} {c.repo:<44} {result}", file=out)
    missed = [o for o in scored_bugs if not o.found]
    reasons = {}
    for o in missed:
        category = o.case.reason.partition(":")[0].strip() or "(no reason recorded)"
        reasons.setdefault(category, []).append(o.case.id)
    print("\nmissed bugs by recorded reason", file=out)
    for category, ids in sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {len(ids):>3}  {category}: {', '.join(ids)}", file=out)
    errors = [o for o in outcomes if o.error]
    print("\nfigures", file=out)
    print(f"  bugs: {len(bugs)} ({len(bugs) - len(scored_bugs)} not restored)", file=out)
    print(f"  recall: {len(found)}/{len(scored_bugs)} = {pct(len(found), len(scored_bugs))}"
          f" (files named: {len(found_named)}, folder: {len(found_folder)})", file=out)
    print(f"  bug cases with findings elsewhere: {len(other)}", file=out)
    print(f"  correct files: {sum(len(o.case.files) for o in scored_correct)} in {len(scored_correct)} rows"
          f" ({len(correct) - len(scored_correct)} not restored)", file=out)
    print(f"  findings on correct files (false positives unless judged otherwise): {fp_count}"
          f" in {len(fp_files)} rows", file=out)
    if errors:
        print(f"  not scored: {', '.join(o.case.id + ' (' + o.error + ')' for o in errors)}", file=out)
    return {"bugs": len(scored_bugs), "found": len(found), "found_named": len(found_named),
            "found_folder": len(found_folder), "correct_rows": len(scored_correct), "correct_findings": fp_count,
            "cases": [{"id": o.case.id, "kind": o.case.kind, "error": o.error, "found": o.found,
                       "named": o.named, "folder": o.folder} for o in outcomes]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=os.environ.get("RNNLINT_REAL_BUGS_MIRRORS"),
                        help="folder holding local clones (owner+name/, owner/name/ or name/; "
                             "default: $RNNLINT_REAL_BUGS_MIRRORS)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--only", default="", help="comma-separated case ids")
    parser.add_argument("--keep", type=Path, help="restore into this folder (outside the checkout) and keep it")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.mirrors is None or not Path(args.mirrors).is_dir():
        print("score.py: error: --mirrors DIR (a folder of local clones) is required", file=sys.stderr)
        return 2
    try:
        from rnnlint.rules import RULES_BY_CODE
        cases = read_manifest(args.manifest, known_codes=set(RULES_BY_CODE))
        if args.only:
            wanted = set(args.only.split(","))
            unknown = wanted - {c.id for c in cases}
            if unknown:
                raise ValueError(f"--only: no case {', '.join(sorted(unknown))}")
            cases = [c for c in cases if c.id in wanted]
        scratch = check_scratch(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rnnlint-real-bugs-"))
    except (ManifestError, ValueError, OSError) as exc:
        print(f"score.py: error: {exc}", file=sys.stderr)
        return 2
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        outcomes = [score_case(case, Path(args.mirrors), scratch) for case in cases]
        result = report(outcomes)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
