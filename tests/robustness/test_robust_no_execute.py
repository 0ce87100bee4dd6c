"""Static mode never executes, imports or opens a socket for the code it reads: `check`,
`--fix`, `shapes` and stdin, checked with markers that the code would leave if it ran."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from conftest import ROOT

BUGGY = (ROOT / "examples/rnn001_head_features_mismatch/buggy.py").read_text()


def _program(marker, port: int) -> str:
    return (
        "import pathlib, socket\n"
        f"pathlib.Path({str(marker)!r}).write_text('module code ran')\n"
        "import sibling_marker  # importing it leaves its own marker\n"
        f"socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        + BUGGY
    )


@pytest.mark.slow
def test_static_mode_runs_nothing_it_reads(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    marker = tmp_path / "ran.marker"
    imported = tmp_path / "imported.marker"
    (tmp_path / "sibling_marker.py").write_text(f"import pathlib\npathlib.Path({str(imported)!r}).write_text('x')\n")
    model = tmp_path / "model.py"
    model.write_text(_program(marker, port))

    def connected() -> bool:
        try:
            server.accept()[0].close()
            return True
        except OSError:
            return False

    try:
        runs = [
            ["--no-cache", str(model)],
            ["--no-cache", "--diff", str(model)],
            ["--no-cache", "--fix", str(model)],
            ["shapes", str(model)],
            ["--stdin-filename", str(model), "-"],
        ]
        for arguments in runs:
            result = subprocess.run([sys.executable, "-m", "rnnlint", *arguments], capture_output=True, text=True,
                                    cwd=tmp_path, input=model.read_text(), timeout=60)
            assert "Traceback" not in result.stderr
            assert not marker.exists() and not imported.exists() and not connected(), arguments
        assert "2 * hidden_size" in model.read_text()  # --fix did run, and fixed the file
        # the markers work: running the file leaves all three
        result = subprocess.run([sys.executable, str(model)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert marker.exists() and imported.exists() and connected(), result.stderr
    finally:
        server.close()
