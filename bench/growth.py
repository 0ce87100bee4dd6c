"""Time rnnlint (cold, --no-cache) as its input grows: generated corpora of more and more
files, and one recurrent-model module of more and more lines; prints time and peak memory.

Standard library only; reuses synthetic/ (the corpus generator) and speed.py from this folder.

    .venv/bin/python bench/growth.py [--files 500,1000,2000,4000,8000] [--lines 1000,...,50000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import speed

# run as a script, this folder is first on sys.path
import synthetic

DEFAULT_FILES = "500,1000,2000,4000,8000"
DEFAULT_LINES = "1000,5000,10000,25000,50000"
# the largest single module must stay under this
LINES_BUDGET_S = 5.0


def sizes(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sorted(values)


def time_runs(cmds: dict[str, list[str]], repeat: int, cwd: Path) -> dict[str, list[speed.Run]]:
    """Each command `repeat` times, interleaved."""
    runs: dict[str, list[speed.Run]] = {label: [] for label in cmds}
    for _ in range(repeat):
        for label, cmd in cmds.items():
            runs[label].append(speed.measure(cmd, cwd=cwd))
    return runs


def row(size: int, runs: list[speed.Run], unit: str, base: tuple[int, float] | None) -> str:
    seconds = statistics.median(r.wall for r in runs)
    growth = ""
    if base is not None:
        size0, seconds0 = base
        growth = f"x{size / size0:.1f} -> x{seconds / seconds0:.1f}"
    per = seconds / size * (1e3 if unit == "files" else 1e6)
    per_unit = "ms/file" if unit == "files" else "us/line"
    failed = sum(1 for r in runs if r.rc not in (0, 1))
    note = f"  {failed} run(s) failed" if failed else ""
    return (f"{size:>9,}{seconds:>10.2f}{per:>9.2f} {per_unit:<8}{speed.mb(max(r.max_rss for r in runs)):>11}"
            f"{speed.mb(max(r.tree for r in runs)):>9}  {growth}{note}")


def bar_chart(points: list[tuple[int, float]], title: str) -> list[str]:
    """``size  ####`` lines, one ``#`` a tenth of a second: a straight line means linear growth
    in the size, whatever the fixed cost."""
    lines = [f"{title}, # = 0.1 s"]
    for size, seconds in points:
        lines.append(f"{size:>9,}  {'#' * max(1, round(seconds * 10))} {seconds:.2f} s")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=sizes, default=sizes(DEFAULT_FILES),
                        help=f"corpus sizes in files (default {DEFAULT_FILES})")
    parser.add_argument("--lines", type=sizes, default=sizes(DEFAULT_LINES),
                        help=f"single-module sizes in lines (default {DEFAULT_LINES})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size, median (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rnnlint-args", default="", help="extra arguments for rnnlint, e.g. '--jobs 1'")
    parser.add_argument("--with-ruff", action="store_true", help="time ruff on the corpora too, interleaved")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    rnnlint = speed.repo_bin("rnnlint")
    works, why = speed.probe([rnnlint, "--help"]) if rnnlint else (False, "not installed")
    if not works:
        print(f"rnnlint: not available: {why}")
        return 0
    cold = [rnnlint, *args.rnnlint_args.split(), "--no-cache"]
    ruff = speed.repo_bin("ruff") if args.with_ruff else None
    header = f"{'size':>9}{'median s':>10}{'per unit':>18}{'max RSS MB':>11}{'tree MB':>9}  size -> time growth"
    out = [f"rnnlint --no-cache {args.rnnlint_args}".rstrip() + f": median of {args.repeat} runs"]

    with tempfile.TemporaryDirectory(prefix="rnnlint-growth-") as tmp:
        work = Path(tmp)
        out += ["", "== files: generated corpora (5 % recurrent model files)", header]
        base = None
        ruff_rows = []
        curve: list[tuple[int, float]] = []
        for count in args.files:
            folder = work / f"corpus{count}"
            print(f"generating {count} files", file=sys.stderr, flush=True)
            manifest = synthetic.generate(folder, files=count, seed=args.seed)
            cmds = {"rnnlint": cold + [str(folder)]}
            if ruff:
                cmds["ruff"] = [ruff, "check", "--isolated", "--no-cache", "--exit-zero", str(folder)]
            runs = time_runs(cmds, args.repeat, work)
            seconds = statistics.median(r.wall for r in runs["rnnlint"])
            out.append(row(count, runs["rnnlint"], "files", base) + f"  ({manifest['lines']:,} lines)")
            if ruff:
                ruff_rows.append(f"{count:>9,}{statistics.median(r.wall for r in runs['ruff']):>10.2f}")
            base = base or (count, seconds)
            curve.append((count, seconds))
            print(out[-1], file=sys.stderr, flush=True)
        if ruff_rows:
            out += ["   ruff check on the same corpora (median s):"] + ruff_rows
        out += ["", *bar_chart(curve, "files vs seconds (rnnlint cold)")]

        out += ["", "== lines: one module of recurrent model classes", header]
        base = None
        largest = None
        for lines in args.lines:
            path = work / f"models_{lines}.py"
            text = synthetic.rnn_big_module(lines, seed=args.seed)
            path.write_text(text)
            actual = text.count("\n")
            runs = time_runs({"rnnlint": cold + [str(path)]}, args.repeat, work)["rnnlint"]
            seconds = statistics.median(r.wall for r in runs)
            out.append(row(actual, runs, "lines", base) + f"  ({text.count('(nn.Module)'):,} classes)")
            base = base or (actual, seconds)
            largest = (actual, seconds)
            print(out[-1], file=sys.stderr, flush=True)
        if largest:
            verdict = "under" if largest[1] < LINES_BUDGET_S else "OVER"
            out.append(f"   largest module: {largest[0]:,} lines in {largest[1]:.2f} s, {verdict} the "
                       f"{LINES_BUDGET_S:.0f} s budget")
    out += ["", "growth: xA -> xB means A times the input took B times the smallest size's time",
            speed.memory_legend()]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
