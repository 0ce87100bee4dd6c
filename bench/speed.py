"""Time rnnlint against ruff, flake8 with TorchFix's rules and Fixit on the same files,
interleaved, and print medians, files/s, peak memory and the ratio to ruff.

Standard library only. TorchFix and Fixit get their own virtual environments under
~/.cache/rnnlint-bench/ (or $RNNLINT_BENCH_CACHE), installed from PyPI on first use.

    .venv/bin/python bench/speed.py [FOLDER ...] [--repeat 3] [--skip-slow]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("RNNLINT_BENCH_CACHE", "~/.cache/rnnlint-bench")).expanduser()
# a corpus with more files than this is "big": the slow tools run on it once, not --repeat times
BIG_CORPUS = 200
SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist"}
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
# lines that count as one finding in each tool's default output
FINDING = {
    "rnnlint": re.compile(r":\d+:\d+: RNN\d{3}\b"),
    "ruff": re.compile(r"^Found (\d+) errors?\.", re.MULTILINE),
    "flake8": re.compile(r":\d+:\d+: [A-Z]+\d+\b"),
    "fixit": re.compile(r"@\d+:\d+ "),
}


# --------------------------------------------------------------------------------------
# Running one command and measuring it.
# --------------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    rc: int
    max_rss: int  # bytes, the largest single process of the tree (kernel's ru_maxrss)
    tree: int  # bytes, peak of the tree's summed PSS, sampled every 50 ms (0 if not sampled)
    stdout: str
    stderr: str
    timed_out: bool = False


def _proc_memory(pid: int) -> int:
    """Proportional set size of one process (shared pages split between sharers), else RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return [root]
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: the fields start after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


class TreeSampler(threading.Thread):
    """Samples the summed memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.done = threading.Event()
        self.enabled = os.path.isdir("/proc/self")

    def run(self) -> None:
        while self.enabled and not self.done.is_set():
            # the root is the launcher: count what it started, not the launcher itself
            total = sum(_proc_memory(pid) for pid in _descendants(self.pid) if pid != self.pid)
            self.peak = max(self.peak, total)
            self.done.wait(self.interval)


# A small process between the harness and the tool. A child's peak RSS (ru_maxrss) starts at
# the high-water mark of the process it was forked from, so forking tools straight from this
# harness (100+ MB after generating a corpus) would put a floor under every figure; forked
# from this launcher, the floor is the launcher's few MB. It also times fork to reap itself,
# so its own start-up is not counted.
LAUNCHER = """
import os, sys, time
report = int(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(report)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as exc:
        os.write(2, ("cannot run %s: %s\\n" % (sys.argv[2], exc)).encode())
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(report, ("%r %d" % (wall, usage.ru_maxrss)).encode())
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def measure(cmd: list[str], cwd: str | os.PathLike | None = None, timeout: float = 3600.0) -> Run:
    """Run `cmd` once through the launcher: wall time from fork to reap, its memory, its output."""
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", LAUNCHER, str(write_end), *cmd],
                                cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                pass_fds=(write_end,), start_new_session=True)
        os.close(write_end)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, 9)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            with os.fdopen(read_end, "rb") as report:
                measured = report.read().decode().split()
            proc.wait()
        finally:
            timer.cancel()
        outer = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        wall, max_rss = (float(measured[0]), int(measured[1]) * 1024) if len(measured) == 2 else (outer, 0)
        out.seek(0)
        err.seek(0)
        return Run(wall, proc.returncode, max_rss, sampler.peak,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                   expired.is_set())


# --------------------------------------------------------------------------------------
# Tools.
# --------------------------------------------------------------------------------------


@dataclass
class Tool:
    key: str  # rnnlint | ruff | flake8 | fixit
    label: str
    argv: list[str] | None  # None: not available
    why: str = ""  # why not available
    version: str = ""
    ok_rc: tuple[int, ...] = (0, 1)
    slow: bool = False
    warm: bool = False  # prime a cache once before timing

    def command(self, target: str, cache_dir: str | None = None) -> list[str]:
        argv = list(self.argv or [])
        if self.warm:
            argv += ["--cache-dir", str(cache_dir)]
        return argv + [target]


def memory_legend() -> str:
    floor = measure(["true"]).max_rss
    return ("max RSS: the largest single process (kernel's wait4 figure; a process that does "
            f"nothing shows {floor / 1e6:.0f} MB); tree: summed PSS of the process tree, sampled every 50 ms")


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def repo_bin(name: str) -> str | None:
    """A console script from the repository's venv (or the running interpreter's), else PATH."""
    for folder in (REPO / ".venv" / "bin", Path(sys.executable).parent):
        candidate = folder / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def repo_python() -> str:
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def probe(argv: list[str]) -> tuple[bool, str]:
    """Run a version or help command: (works, first line or error)."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    text = (done.stdout or "").strip() or (done.stderr or "").strip()
    if done.returncode != 0:
        return False, first_line(done.stderr or done.stdout) or f"exit {done.returncode}"
    return True, text.splitlines()[0][:120] if text else ""


def tool_venv(name: str, packages: list[str], exe: str, install: bool) -> tuple[str | None, str]:
    """Path of `exe` in a private venv for `name`, creating it with pip on first use."""
    venv = CACHE / f"{name}-venv"
    binary = venv / "bin" / exe
    marker = venv / ".installed"
    if marker.exists() and binary.exists():
        return str(binary), ""
    if not install:
        return None, f"not installed (run once without --no-install to create {venv})"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        # two benchmark runs started together must not build the same venv at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and binary.exists():
            return str(binary), ""
        return _install_venv(venv, packages, binary, marker)


def _install_venv(venv: Path, packages: list[str], binary: Path, marker: Path) -> tuple[str | None, str]:
    print(f"setting up {venv}: pip install {' '.join(packages)} (once)", file=sys.stderr, flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    try:
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=300,
                              check=False)
        if made.returncode != 0:
            return None, f"could not create its venv: {first_line(made.stderr or made.stdout)}"
        done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                               "--retries", "1", "--timeout", "30", "-q", *packages],
                              capture_output=True, text=True, timeout=1200, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        return None, f"could not create its venv: {exc}"
    if done.returncode != 0 or not binary.exists():
        shutil.rmtree(venv, ignore_errors=True)
        return None, f"pip install {' '.join(packages)} failed: {first_line(done.stderr)}"
    marker.write_text(" ".join(packages) + "\n")
    return str(binary), ""


def discover_tools(args: argparse.Namespace) -> list[Tool]:
    tools: list[Tool] = []
    wanted = set(args.tools.split(",")) if args.tools else {"rnnlint", "ruff", "flake8", "fixit"}
    extra = shlex.split(args.rnnlint_args)
    rnnlint = repo_bin("rnnlint")
    if rnnlint is None:
        cold = Tool("rnnlint", "rnnlint (cold)", None, "rnnlint is not installed")
    else:
        works, text = probe([rnnlint, "--help"])
        cold = Tool("rnnlint", "rnnlint (cold)", [rnnlint, *extra, "--no-cache"] if works else None,
                    "" if works else f"`rnnlint --help` failed: {text}")
        if works:
            has_version, version = probe([rnnlint, "--version"])
            cold.version = version if has_version else "rnnlint"
    warm = Tool("rnnlint", "rnnlint (warm)", [rnnlint, *extra] if cold.argv else None, cold.why,
                cold.version, warm=True)
    tools += [cold, warm]

    ruff = repo_bin("ruff")
    tool = Tool("ruff", "ruff", None, "ruff is not installed", ok_rc=(0,))
    if ruff:
        works, text = probe([ruff, "--version"])
        tool.argv = [ruff, "check", "--isolated", "--no-cache", "--exit-zero"] if works else None
        tool.why, tool.version = ("", text) if works else (text, "")
    tools.append(tool)

    if not args.skip_slow and "flake8" in wanted:
        flake8, why = tool_venv("torchfix", ["torchfix", "flake8"], "flake8", not args.no_install)
        tool = Tool("flake8", "flake8 + TorchFix (TOR)", None, why, slow=True)
        if flake8:
            works, text = probe([flake8, "--version"])
            tool.argv = [flake8, "--isolated", "--select", "TOR"] if works else None
            tool.why, tool.version = ("", text) if works else (text, "")
        tools.append(tool)
    if not args.skip_slow and "fixit" in wanted:
        fixit, why = tool_venv("fixit", ["fixit"], "fixit", not args.no_install)
        tool = Tool("fixit", "Fixit (fixit lint)", None, why, slow=True, ok_rc=(0, 1, 2, 3))
        if fixit:
            works, text = probe([fixit, "--version"])
            tool.argv = [fixit, "lint"] if works else None
            tool.why, tool.version = ("", text) if works else (text, "")
        tools.append(tool)
    return [t for t in tools if t.key in wanted]


# --------------------------------------------------------------------------------------
# Corpora.
# --------------------------------------------------------------------------------------


@dataclass
class Corpus:
    name: str
    root: Path  # a staged copy holding only .py files
    files: int
    size: int  # bytes
    lines: int
    note: str = ""
    manifest: dict | None = None
    results: dict[str, list[Run]] = field(default_factory=dict)
    sample: Corpus | None = None  # where the slow tools ran, when not on the whole corpus


def python_files(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        found += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py")]
    return found


def stage(name: str, source: Path, dest: Path, files: list[Path] | None = None, note: str = "") -> Corpus:
    """Copy the .py files of `source` (or just `files`) to `dest`, so every tool sees the same set."""
    files = python_files(source) if files is None else files
    size = lines = 0
    for path in files:
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        data = target.read_bytes()
        size += len(data)
        lines += data.count(b"\n")
    return Corpus(name, dest, len(files), size, lines, note)


def torch_package() -> Path | None:
    """The installed torch package of the repository's venv, found without importing it."""
    code = ("import importlib.util, os; s = importlib.util.find_spec('torch'); "
            "print(os.path.dirname(s.origin) if s else '')")
    try:
        done = subprocess.run([repo_python(), "-c", code], capture_output=True, text=True, timeout=120,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    return Path(path) if done.returncode == 0 and path else None


def load_gen_corpus():
    """The corpus generator, the package bench/synthetic/ (bench/ itself is no package)."""
    folder = str(Path(__file__).resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)
    import synthetic

    return synthetic


def subsample(corpus: Corpus, count: int, dest: Path) -> Corpus:
    """Every k-th file of `corpus`, staged under `dest`."""
    files = python_files(corpus.root)
    step = max(1, len(files) // count)
    chosen = files[::step][:count]
    return stage(f"{corpus.name} sample", corpus.root, dest, chosen)


# --------------------------------------------------------------------------------------
# Running the comparison.
# --------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_checked(tool: Tool, target: Path, work: Path, timeout: float) -> Run:
    run = measure(tool.command(str(target), work / "rnnlint-cache"), cwd=work, timeout=timeout)
    if run.timed_out:
        log(f"  {tool.label}: killed after {timeout:.0f}s")
    elif run.rc not in tool.ok_rc:
        log(f"  {tool.label}: exit {run.rc}: {first_line(run.stderr) or first_line(run.stdout)}")
    return run


def compare(corpus: Corpus, tools: list[Tool], repeat: int, slow_sample: int | None, work: Path,
            timeout: float) -> None:
    """Run every available tool on `corpus`, interleaved, `repeat` rounds."""
    available = [t for t in tools if t.argv]
    big = corpus.files > BIG_CORPUS
    slow_target = corpus
    if slow_sample and big and any(t.slow for t in available):
        corpus.sample = subsample(corpus, slow_sample, work / "sample")
        slow_target = corpus.sample
    for tool in available:
        if tool.warm:
            log(f"[{corpus.name}] priming the rnnlint cache")
            run_checked(tool, corpus.root, work, timeout)
    for round_index in range(repeat):
        # rotate the order each round so that no tool always runs first (or after the slowest)
        shift = round_index % len(available) if available else 0
        for tool in available[shift:] + available[:shift]:
            if tool.slow and big and round_index > 0:
                continue
            target = slow_target if tool.slow else corpus
            run = run_checked(tool, target.root, work, timeout)
            corpus.results.setdefault(tool.label, []).append(run)
            log(f"[{corpus.name}] round {round_index + 1}/{repeat} {tool.label}: {run.wall:.2f}s")


def mb(value: float) -> str:
    return f"{value / 1e6:,.0f}" if value else "-"


def scaled_median(corpus: Corpus, tool: Tool) -> tuple[float, str]:
    """Median wall time for the whole corpus and a note on how it was obtained."""
    runs = corpus.results.get(tool.label, [])
    median = statistics.median(r.wall for r in runs)
    note = "" if len(runs) > 1 else "once"
    if tool.slow and corpus.sample is not None:
        factor = corpus.size / max(corpus.sample.size, 1)
        note = f"{corpus.sample.files}-file sample x{factor:.1f}"
        return median * factor, note
    return median, note


def findings(tool: Tool, run: Run) -> int:
    if tool.key == "ruff":
        # ruff's default output spans several lines per finding; it prints the total
        return sum(int(n) for n in FINDING["ruff"].findall(run.stdout))
    return len(FINDING[tool.key].findall(run.stdout))


def report(corpus: Corpus, tools: list[Tool]) -> list[str]:
    title = f"== {corpus.name}: {corpus.files:,} .py files, {corpus.lines:,} lines, {corpus.size / 1e6:.1f} MB"
    lines = [title + (f" ({corpus.note})" if corpus.note else "")]
    header = f"{'tool':<26}{'runs':>5}{'median s':>10}{'files/s':>9}{'max RSS MB':>11}{'tree MB':>9}" \
             f"{'findings':>10}{'x ruff':>8}  note"
    lines.append(header)
    ruff_tool = next((t for t in tools if t.key == "ruff" and corpus.results.get(t.label)), None)
    ruff_time = scaled_median(corpus, ruff_tool)[0] if ruff_tool else None
    for tool in tools:
        runs = corpus.results.get(tool.label)
        if not tool.argv or not runs:
            why = tool.why or "not run"
            lines.append(f"{tool.label:<26}{'-':>5}  not available: {why}")
            continue
        seconds, note = scaled_median(corpus, tool)
        failed = [r for r in runs if r.rc not in tool.ok_rc or r.timed_out]
        if failed:
            note = (note + "; " if note else "") + f"{len(failed)} run(s) failed (exit {failed[0].rc})"
        ratio = f"{seconds / ruff_time:.1f}" if ruff_time else "-"
        lines.append(f"{tool.label:<26}{len(runs):>5}{seconds:>10.2f}{corpus.files / seconds:>9,.0f}"
                     f"{mb(max(r.max_rss for r in runs)):>11}{mb(max(r.tree for r in runs)):>9}"
                     f"{findings(tool, runs[0]):>10,}{ratio:>8}  {note}")
    lines += planted_bug_summary(corpus, tools)
    return lines


def planted_bug_summary(corpus: Corpus, tools: list[Tool]) -> list[str]:
    """On a generated corpus: which planted bugs rnnlint (cold) reported, and what else it reported."""
    cold = next((t for t in tools if t.key == "rnnlint" and not t.warm), None)
    if corpus.manifest is None or cold is None or not corpus.results.get(cold.label):
        return []
    pattern = re.compile(r"^(.*?):\d+:\d+: (RNN\d{3})\b", re.MULTILINE)
    reported: dict[str, set[str]] = {}
    for path, code in pattern.findall(corpus.results[cold.label][0].stdout):
        rel = Path(path)
        with contextlib.suppress(ValueError):
            rel = rel.resolve().relative_to(corpus.root.resolve())
        reported.setdefault(rel.as_posix(), set()).add(code)
    planted = {e["path"]: e["code"] for e in corpus.manifest["rnn_files"] if e["code"]}
    hit = sum(1 for path, code in planted.items() if code in reported.get(path, ()))
    other = sum(len(codes) for path, codes in reported.items() if path not in planted)
    clean_hit = sum(1 for p in reported if p not in planted)
    return [(f"   planted bugs reported by rnnlint with their code: {hit}/{len(planted)}; "
             f"files without a planted bug that got a finding: {clean_hit} ({other} codes)")]


def startup(tools: list[Tool], files: list[tuple[str, Path]], rounds: int, work: Path) -> list[str]:
    """Median wall time on a single file, `rounds` runs each, interleaved."""
    lines = [f"== startup: one file, median of {rounds} runs (min in brackets)"]
    commands: list[tuple[str, list[str]]] = []
    rnnlint = next((t for t in tools if t.key == "rnnlint" and not t.warm and t.argv), None)
    ruff = next((t for t in tools if t.key == "ruff" and t.argv), None)
    for label, path in files:
        if rnnlint:
            commands.append((f"rnnlint --no-cache, {label}", rnnlint.command(str(path))))
        if ruff:
            commands.append((f"ruff check, {label}", ruff.command(str(path))))
    commands.append(("python -c pass (reference)", [repo_python(), "-c", "pass"]))
    times: dict[str, list[float]] = {label: [] for label, _ in commands}
    for _ in range(rounds):
        for label, cmd in commands:
            times[label].append(measure(cmd, cwd=work).wall)
    for label, values in times.items():
        lines.append(f"{label:<48}{statistics.median(values) * 1000:>8.0f} ms  [{min(values) * 1000:.0f}]")
    if not rnnlint:
        lines.append("rnnlint: not available")
    return lines


def pick_plain_file(corpus: Corpus) -> Path | None:
    """An ordinary module of 100-250 lines that names no recurrent layer."""
    skip = {e["path"] for e in corpus.manifest["rnn_files"]} | set(corpus.manifest["mention_files"])
    for path in python_files(corpus.root):
        rel = path.relative_to(corpus.root).as_posix()
        if rel in skip or path.name == "__init__.py":
            continue
        text = path.read_text()
        if 100 <= text.count("\n") <= 250 and not re.search(r"rnn|lstm|gru", text, re.IGNORECASE):
            return path
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="more folders to time the tools on")
    parser.add_argument("--repeat", type=int, default=3, help="rounds for the fast tools (default %(default)s)")
    parser.add_argument("--skip-slow", action="store_true", help="leave out TorchFix and Fixit")
    parser.add_argument("--slow-sample", type=int, metavar="N",
                        help="run the slow tools on N files of each big corpus and scale the time by size, "
                             "instead of once on the whole corpus")
    parser.add_argument("--files", type=int, default=5000, help="generated corpus size (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="generated corpus seed (default %(default)s)")
    parser.add_argument("--no-torch", action="store_true", help="leave out the installed torch package")
    parser.add_argument("--no-corpus", action="store_true", help="leave out the generated corpus")
    parser.add_argument("--startup-runs", type=int, default=10, help="runs for the startup figure (0: skip)")
    parser.add_argument("--tools", help="comma-separated subset of: rnnlint,ruff,flake8,fixit")
    parser.add_argument("--rnnlint-args", default="", help="extra arguments for rnnlint, e.g. '--jobs 1'")
    parser.add_argument("--no-install", action="store_true", help="do not create the TorchFix/Fixit venvs")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before one run is killed")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for folder in args.folders:
        if not folder.is_dir():
            parser.error(f"not a folder: {folder}")

    tools = discover_tools(args)
    out: list[str] = [(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
                       f"fast tools: {args.repeat} interleaved rounds, median")]
    for tool in tools:
        out.append(f"  {tool.label:<26}{tool.version or 'not available: ' + tool.why}")
    with tempfile.TemporaryDirectory(prefix="rnnlint-bench-") as tmp:
        work = Path(tmp)
        corpora: list[Corpus] = []
        if not args.no_torch:
            package = torch_package()
            if package is None:
                out.append("torch package: not found in the repository's venv")
            else:
                log(f"staging {package}")
                corpora.append(stage("installed torch package", package, work / "torch" / "torch",
                                     note=str(package)))
                corpora[-1].root = work / "torch"
        for folder in args.folders:
            log(f"staging {folder}")
            corpora.append(stage(folder.resolve().name, folder, work / f"folder{len(corpora)}",
                                 note=str(folder.resolve())))
        gen = None
        if not args.no_corpus or args.startup_runs:
            gen = load_gen_corpus()
            log(f"generating a {args.files}-file corpus")
            manifest = gen.generate(work / "generated", files=args.files, seed=args.seed)
            generated = Corpus(f"generated corpus (--files {args.files} --seed {args.seed})",
                               work / "generated", manifest["python_files"], manifest["bytes"],
                               manifest["lines"], f"{len(manifest['rnn_files'])} recurrent model files",
                               manifest)
            if not args.no_corpus:
                corpora.append(generated)
        for index, corpus in enumerate(corpora):
            scratch = work / f"run{index}"
            scratch.mkdir()
            compare(corpus, tools, args.repeat, args.slow_sample, scratch, args.timeout)
            out.append("")
            out += report(corpus, tools)
        if args.startup_runs and gen is not None:
            plain = pick_plain_file(generated)
            model = REPO / "examples" / "rnn001_head_features_mismatch" / "fixed.py"
            files = [(label, path) for label, path in
                     (("plain module", plain), ("RNN model", model)) if path is not None and path.exists()]
            scratch = work / "startup"
            scratch.mkdir()
            for label, path in files:
                shutil.copyfile(path, scratch / f"{label.split()[0]}.py")
            out.append("")
            out += startup(tools, [(label, scratch / f"{label.split()[0]}.py") for label, _ in files],
                           args.startup_runs, scratch)
            out.append(f"  (plain module: {plain.relative_to(generated.root) if plain else '-'}; "
                       f"RNN model: {model.relative_to(REPO)})")
        if any(t.slow and t.argv for t in tools):
            out.append("")
            out.append(f"slow tools (TorchFix, Fixit): on corpora over {BIG_CORPUS} files they run once, not "
                       "repeated" + (f", on a {args.slow_sample}-file sample with the time scaled by size"
                                      if args.slow_sample else ", on every file"))
        out.append(memory_legend())
        print("\n".join(out))
        if args.json:
            args.json.write_text(json.dumps({
                "corpora": [{
                    "name": c.name, "files": c.files, "bytes": c.size, "lines": c.lines,
                    "sample_files": c.sample.files if c.sample else None,
                    "tools": {label: [{"wall": r.wall, "rc": r.rc, "max_rss": r.max_rss, "tree": r.tree}
                                      for r in runs] for label, runs in c.results.items()},
                } for c in corpora],
                "versions": {t.label: t.version for t in tools if t.argv},
            }, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
