"""Precision sweep: rnnlint on the newest commit of public repositories with recurrent code.

Exports the ``.py`` and ``.ipynb`` files of each repository REPOS.tsv lists, at its local
clone's HEAD, into a scratch folder outside the checkout (bare and partial clones too: the
files come from ``git ls-tree`` and ``git cat-file --batch``, and a blob the clone lacks is
skipped and counted), runs ``rnnlint --no-cache --output-format json`` on each repository's
folder under a time limit, and prints per repository the files, the findings and the time,
then the total and every finding. A crash, an internal error or a time-out is a finding of the
sweep itself and is printed as such. Standard library only; no code of the repositories is
ever written into the checkout.

    python bench/sweep/run.py --mirrors DIR [--scratch DIR] [--only OWNER/NAME,...]
                              [--timeout S] [--jobs N] [--json FILE]
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
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REPOS = HERE / "REPOS.tsv"
COLUMNS = ("repo", "group", "why")
GROUPS = ("bench-first", "bench-second", "real-bugs", "added")
REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
SUFFIXES = (".py", ".ipynb")
FILE_MODES = ("100644", "100755")  # links (120000) and submodules (160000) are not files to export
PARSE_ERROR = "RNN000"
# git must never reach for a promisor remote or ask for anything: a missing blob stays missing
GIT_ENV = {"GIT_NO_LAZY_FETCH": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1"}


class ListError(ValueError):
    pass


@dataclass
class Result:
    repo: str
    status: str = "ok"          # ok | no-clone | export-failed | crash | timeout
    detail: str = ""
    files: int = 0              # .py and .ipynb files exported
    missing: int = 0            # blobs the clone lacks, skipped
    seconds: float = 0.0        # rnnlint's time on the folder
    findings: list = field(default_factory=list)   # rule findings (not RNN000)
    unparsed: list = field(default_factory=list)   # RNN000: files Python cannot read
    internal_errors: list = field(default_factory=list)


def read_list(path: Path = REPOS) -> list:
    """The rows of REPOS.tsv as dicts; a malformed or repeated row is a ListError with its line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        raise ListError(f"{path}:1: the header must be {' '.join(COLUMNS)} (tab-separated)")
    rows, seen = [], set()
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise ListError(f"{path}:{n}: {len(cells)} cells, {len(COLUMNS)} expected")
        row = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
        if not REPO.fullmatch(row["repo"]):
            raise ListError(f"{path}:{n}: repo must be owner/name, not {row['repo']!r}")
        if row["group"] not in GROUPS:
            raise ListError(f"{path}:{n}: group must be one of {', '.join(GROUPS)}")
        if not row["why"]:
            raise ListError(f"{path}:{n}: why is required")
        if row["repo"].lower() in seen:
            raise ListError(f"{path}:{n}: {row['repo']} is listed twice")
        seen.add(row["repo"].lower())
        rows.append(row)
    return rows


def find_git_dir(mirrors: Path, repo: str):
    """The git directory of a local clone of ``repo`` under ``mirrors``, or None."""
    owner, name = repo.split("/")
    flat = f"{owner}+{name}"
    for candidate in (mirrors / flat / "repo" / ".git", mirrors / flat / "repo", mirrors / flat / ".git",
                      mirrors / flat, mirrors / f"{flat}.git", mirrors / owner / name / ".git",
                      mirrors / owner / name):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _git(git_dir: Path, *args, data=None, timeout=300):
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], input=data, capture_output=True,
                          timeout=timeout, env={**os.environ, **GIT_ENV})


def _safe_relative(path: str):
    """``path`` as a relative path inside the export folder, or None for one that would leave it."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts) or "\\" in path:
        return None
    return pure


def export(git_dir: Path, dest: Path) -> tuple:
    """Write HEAD's .py and .ipynb files under ``dest``; (files written, blobs missing)."""
    listed = _git(git_dir, "ls-tree", "-r", "-z", "HEAD")
    if listed.returncode != 0:
        raise RuntimeError(f"git ls-tree: {listed.stderr.decode(errors='replace').strip()[:200]}")
    paths_of: dict = {}
    for entry in listed.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = raw_path.decode("utf-8", errors="surrogateescape")
        if kind != "blob" or mode not in FILE_MODES or not path.endswith(SUFFIXES):
            continue
        rel = _safe_relative(path)
        if rel is not None:
            paths_of.setdefault(sha, []).append(rel)
    if not paths_of:
        return 0, 0
    shas = list(paths_of)
    batch = _git(git_dir, "cat-file", "--batch", data="".join(f"{s}\n" for s in shas).encode())
    if batch.returncode != 0:
        raise RuntimeError(f"git cat-file: {batch.stderr.decode(errors='replace').strip()[:200]}")
    out, pos, written, missing = batch.stdout, 0, 0, 0
    for _ in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode().split()
        pos = end + 1
        if header[-1] == "missing" or len(header) != 3:
            missing += len(paths_of.get(header[0], [None]))
            continue
        sha, size = header[0], int(header[2])
        content = out[pos:pos + size]
        pos += size + 1  # the content and its closing newline
        for rel in paths_of[sha]:
            target = dest.joinpath(*rel.parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            except OSError:  # a name this file system refuses, or a file where a folder must go
                missing += 1
                continue
            written += 1
    return written, missing


def run_rnnlint(folder: Path, timeout: float, jobs: int) -> tuple:
    """rnnlint on ``folder``: (return code, findings as dicts, stderr, seconds). Exit 2 with its JSON
    is a run that met a file Python cannot read (RNN000) or one it could not fully analyse."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json",
                                "--jobs", str(jobs), "."], cwd=folder, capture_output=True, text=True,
                               timeout=timeout)
    seconds = time.perf_counter() - started
    findings = []
    # 1: findings; 2: findings and a file Python cannot read (RNN000) or could not analyse
    if completed.returncode in (0, 1, 2) and completed.stdout.lstrip().startswith("["):
        for item in json.loads(completed.stdout):
            path = Path(item["filename"])
            rel = path.resolve().relative_to(folder.resolve()).as_posix() if path.is_absolute() else path.as_posix()
            findings.append({"path": rel, "cell": item.get("cell"), "row": item["location"]["row"],
                             "column": item["location"]["column"], "code": item["code"], "message": item["message"]})
    findings.sort(key=lambda f: (f["path"], f["cell"] or 0, f["row"], f["column"], f["code"]))
    return completed.returncode, findings, completed.stderr, seconds


def sweep_repo(repo: str, mirrors: Path, scratch: Path, timeout: float, jobs: int) -> Result:
    result = Result(repo)
    git_dir = find_git_dir(mirrors, repo)
    if git_dir is None:
        result.status, result.detail = "no-clone", f"no local clone under {mirrors}"
        return result
    folder = scratch / repo.replace("/", "+")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    try:
        result.files, result.missing = export(git_dir, folder)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError, OSError) as exc:
        result.status, result.detail = "export-failed", str(exc)
        return result
    try:
        code, findings, stderr, result.seconds = run_rnnlint(folder, timeout, jobs)
    except subprocess.TimeoutExpired:
        result.status, result.seconds = "timeout", timeout
        result.detail = f"rnnlint did not finish in {timeout:g} s"
        return result
    except (ValueError, KeyError) as exc:  # output that is not rnnlint's JSON
        result.status, result.detail = "crash", f"unreadable output: {exc}"
        return result
    result.internal_errors = [line for line in stderr.splitlines() if ": internal error in " in line]
    explained = code == 2 and (result.internal_errors or any(f["code"] == PARSE_ERROR for f in findings))
    if code not in (0, 1) and not explained:
        result.status = "crash"
        result.detail = f"exit {code}: " + ((stderr.strip().splitlines() or ["no message"])[-1])[:300]
    result.findings = [f for f in findings if f["code"] != PARSE_ERROR]
    result.unparsed = [f for f in findings if f["code"] == PARSE_ERROR]
    return result


def check_scratch(path: Path) -> Path:
    path = path.resolve()
    if path == ROOT or ROOT in path.parents:
        raise ValueError(f"the scratch folder {path} is inside the checkout; the repositories' code must stay out")
    return path


def report(results, out=None) -> dict:
    out = out or sys.stdout
    width = max([len(r.repo) for r in results] + [10])
    print(f"{'repository':<{width}}  {'files':>6}  {'missing':>7}  {'findings':>8}  {'RNN000':>6}  "
          f"{'time s':>7}  status", file=out)
    for r in results:
        status = r.status if not r.internal_errors else f"{r.status}, {len(r.internal_errors)} internal errors"
        print(f"{r.repo:<{width}}  {r.files:>6}  {r.missing:>7}  {len(r.findings):>8}  {len(r.unparsed):>6}  "
              f"{r.seconds:>7.1f}  {status}{': ' + r.detail if r.detail else ''}", file=out)
    swept = [r for r in results if r.status not in ("no-clone", "export-failed")]
    total = {
        "repositories": len(results), "swept": len(swept), "files": sum(r.files for r in results),
        "missing": sum(r.missing for r in results), "findings": sum(len(r.findings) for r in results),
        "unparsed": sum(len(r.unparsed) for r in results), "seconds": round(sum(r.seconds for r in results), 1),
        "crashes": [r.repo for r in results if r.status == "crash"],
        "timeouts": [r.repo for r in results if r.status == "timeout"],
        "internal_errors": sum(len(r.internal_errors) for r in results),
        "not_swept": [r.repo for r in results if r.status in ("no-clone", "export-failed")],
    }
    print(f"\nTotal: {total['swept']}/{total['repositories']} repositories swept, {total['files']} files "
          f"({total['missing']} blobs missing), {total['findings']} findings, {total['unparsed']} files "
          f"Python cannot read (RNN000), {total['seconds']} s", file=out)
    problems = [(r, line) for r in results for line in r.internal_errors]
    problems += [(r, f"{r.status}: {r.detail}") for r in results if r.status in ("crash", "timeout")]
    if problems:
        print(f"\nSweep findings (crashes, time-outs, internal errors): {len(problems)}", file=out)
        for r, line in problems:
            print(f"  {r.repo}: {line}", file=out)
    if total["not_swept"]:
        print(f"\nNot swept: {', '.join(total['not_swept'])}", file=out)
    if total["findings"]:
        print("\nFindings:", file=out)
        for r in results:
            for f in r.findings:
                where = f"{f['path']}:cell {f['cell']}" if f["cell"] else f["path"]
                print(f"  {r.repo} {where}:{f['row']}:{f['column']}: {f['code']} {f['message']}", file=out)
    return {"total": total, "repositories": [asdict(r) for r in results]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, required=True,
                        help="folder of local clones (owner+name/repo, owner+name/, owner/name/)")
    parser.add_argument("--repos", type=Path, default=REPOS, help="the list (default: bench/sweep/REPOS.tsv)")
    parser.add_argument("--only", default="", help="comma-separated owner/name of listed repositories")
    parser.add_argument("--scratch", type=Path, help="export into this folder (outside the checkout) and keep it")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds rnnlint may take on one repository")
    parser.add_argument("--jobs", type=int, default=1, help="rnnlint's --jobs on each repository")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if not args.mirrors.is_dir():
        print(f"run.py: error: --mirrors {args.mirrors} is not a folder", file=sys.stderr)
        return 2
    try:
        repos = [row["repo"] for row in read_list(args.repos)]
        if args.only:
            wanted = [r.strip() for r in args.only.split(",") if r.strip()]
            unknown = sorted(set(wanted) - set(repos))
            if unknown:
                raise ValueError(f"--only: not listed: {', '.join(unknown)}")
            repos = [r for r in repos if r in set(wanted)]
        scratch = check_scratch(args.scratch) if args.scratch else Path(tempfile.mkdtemp(prefix="rnnlint-sweep-"))
    except (ListError, ValueError, OSError) as exc:
        print(f"run.py: error: {exc}", file=sys.stderr)
        return 2
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        results = []
        for repo in repos:
            results.append(sweep_repo(repo, args.mirrors, scratch, args.timeout, args.jobs))
            r = results[-1]
            print(f"[{len(results)}/{len(repos)}] {repo}: {r.files} files, {len(r.findings)} findings, "
                  f"{r.seconds:.1f} s, {r.status}", file=sys.stderr, flush=True)
        result = report(results)
    finally:
        if not args.scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    problems = result["total"]
    return 1 if problems["crashes"] or problems["timeouts"] or problems["internal_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
