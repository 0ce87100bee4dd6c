"""Ctrl-C or SIGTERM during a parallel ``--fix``: exit 130 within a second, no process left,
every file untouched or fully fixed, no temporary file left. Interrupted at many points."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")

BUGGY = (ROOT / "examples/rnn001_head_features_mismatch/buggy.py").read_text()
FILLER = "".join(f"def helper_{index}(a, b):\n    return a * {index} + b\n\n" for index in range(120))
FILES = 30  # about 150 kB: enough for --jobs 2 to start workers


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie still counts for killpg: look at the states
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                return True
    return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc to find the workers")
@pytest.mark.parametrize("others", [0, 200])  # with 200 more, the workers start as the run reads
def test_interrupting_a_parallel_fix_at_many_points(tmp_path, others):
    base = tmp_path / "base"
    base.mkdir()
    for index in range(FILES):
        (base / f"m{index:02}.py").write_text(BUGGY + FILLER)
    for index in range(others):
        (base / f"z{index:03}.py").write_text(f"VALUE = {index}\n")
    original = BUGGY + FILLER
    expected = tmp_path / "expected"
    shutil.copytree(base, expected)
    subprocess.run([sys.executable, "-m", "rnnlint", "--fix", "--no-cache", "--jobs", "1", str(expected)],
                   capture_output=True, timeout=300)
    fixed = (expected / "m00.py").read_text()
    assert fixed != original
    # how long a parallel run lasts once its workers exist: the signals come at points inside it
    calibration = tmp_path / "calibration"
    shutil.copytree(base, calibration)
    process = subprocess.Popen([sys.executable, "-m", "rnnlint", "--fix", "--no-cache", "--jobs", "2",
                                str(calibration)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    process.communicate(timeout=300)
    window = min(1.5, 0.8 * (time.monotonic() - started))
    randomness = random.Random(10)
    outcomes = []
    for attempt in range(9):
        work = tmp_path / f"work{attempt}"
        shutil.copytree(base, work)
        process = subprocess.Popen([sys.executable, "-m", "rnnlint", "--fix", "--no-cache", "--jobs", "2", str(work)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            # wait until rnnlint runs (its workers exist), then a little more: any point of the run
            deadline = time.monotonic() + 60
            while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(randomness.uniform(0, window))
            which = signal.SIGINT if attempt % 3 else signal.SIGTERM
            sent = time.monotonic()
            if process.poll() is None:
                if attempt % 2:
                    os.killpg(process.pid, which)  # as a terminal's Ctrl-C: the whole group
                else:
                    os.kill(process.pid, which)  # the main process alone
            _out, err = process.communicate(timeout=10)
            took = time.monotonic() - sent
            time.sleep(0.2)
            assert not _group_alive(process.pid), "a worker outlived the run"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        states = {(work / name).read_text() for name in os.listdir(work) if name.startswith("m")}
        assert states <= {original, fixed}, "a file is neither untouched nor fully fixed"
        assert len(os.listdir(work)) == FILES + others, "a temporary file was left"
        assert b"Traceback" not in err, err
        if process.returncode == 130:
            assert took < 1.0 and err.endswith(b"rnnlint: error: interrupted\n")
            outcomes.append("interrupted")
        else:  # finished before the signal came
            assert process.returncode == 0 and states == {fixed}, (process.returncode, err)
            outcomes.append("finished")
    assert "interrupted" in outcomes
