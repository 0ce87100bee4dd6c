"""The HTML picture in a real browser: headless Chromium renders it to a PNG, which must show
the grid's colours (and the finding's red only where there is one), and its DOM the labels."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib

import pytest
from test_shapes_formats import SEED, SEED_BUGGY

from conftest import run_rnnlint

CHROMIUM = shutil.which("chromium")
pytestmark = [pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian package `chromium`; .ci/run installs it)"),
    pytest.mark.slow]  # a browser start is seconds

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--disable-dev-shm-usage"]

FORWARD, BACKWARD, RED = (0xDB, 0xE8, 0xFB), (0xFD, 0xE5, 0xCC), (0xB3, 0x26, 0x1E)


def _chromium(tmp_path, *args) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


def _page(tmp_path, source: str):
    model = tmp_path / "model.py"
    model.write_text(source)
    page = tmp_path / "model.html"
    result = run_rnnlint("shapes", "--format", "html", model, "-o", page)
    assert result.returncode == 0, result.stderr
    return page


def _pixels(png: bytes):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG, decoded with zlib alone."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, header = 8, b"", None
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        chunk = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            data += chunk
        position += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), header
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(data), width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        previous = line
    return width, height, rows


def _count(rows, colour, tolerance=6) -> int:
    return sum(1 for row in rows for pixel in row
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False)))


def _screenshot(tmp_path, page, name):
    png = tmp_path / name
    # half the device pixels: the fills keep their exact colours, and the pure-Python decoder is 4x faster
    result = _chromium(tmp_path, "--window-size=1200,1500", "--force-device-scale-factor=0.5", f"--screenshot={png}",
                       page.as_uri())
    assert png.is_file(), result.stderr[-2000:]
    return _pixels(png.read_bytes())


def test_picture_of_a_buggy_model_renders_with_the_finding_in_red(tmp_path):
    page = _page(tmp_path, SEED_BUGGY)
    width, height, rows = _screenshot(tmp_path, page, "buggy.png")
    assert (width, height) == (600, 750)
    background = rows[0][0]
    drawn = sum(1 for row in rows for pixel in row if pixel != background)
    assert drawn > width * height // 50, "the page is blank"
    assert _count(rows, FORWARD) > 500 and _count(rows, BACKWARD) > 500  # both directions' cells
    assert _count(rows, RED) > 80  # the head and the finding's message

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    for label in ("output: (batch, seq, 2*HL_size)", "h_n: (2*num_layers, batch, HL_size)", "h_n[-1]",
                  "output[:, -1]", "self.fc = Linear(in_features=HL_size)", "RNN001 (line 10)", "layer 1 →",
                  "layer num_layers ←", "t=seq"):
        assert label in dom, label


def test_picture_of_the_correct_model_has_no_red(tmp_path):
    page = _page(tmp_path, SEED)
    _, _, rows = _screenshot(tmp_path, page, "clean.png")
    assert _count(rows, FORWARD) > 500
    assert _count(rows, RED) == 0
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "h_n[-2]" in dom and "self.fc = Linear(in_features=2*HL_size)" in dom


def test_mermaid_output_renders_in_mermaid(tmp_path):
    """Every example's and tutorial model's flowchart goes through Mermaid itself; a chart that
    does not parse is reported by Mermaid's own error (this harness was seen to catch one)."""
    import html
    import os
    import re
    from pathlib import Path

    from conftest import ROOT

    script = os.environ.get("RNNLINT_MERMAID_JS")
    if not script or not Path(script).is_file():
        pytest.skip("set RNNLINT_MERMAID_JS to a mermaid.min.js (from `npm pack mermaid`) to render the charts")
    plain = tmp_path / "plain.py"  # a module class with no recurrent call, next to one with
    plain.write_text(SEED + "\n\nclass Head(nn.Module):\n    def forward(self, x):\n        return x\n")
    models = sorted((ROOT / "examples").glob("*/*.py")) + sorted((ROOT / "docs" / "tutorial").rglob("*.py")) + [plain]
    charts = []
    for model in models:
        result = run_rnnlint("shapes", "--format", "mermaid", model)
        charts.extend(re.findall(r"```mermaid\n(.*?)```", result.stdout, re.DOTALL))
    assert len(charts) >= len(models)
    sources = "".join(f"<div id='chart{index}'>{html.escape(chart)}</div>" for index, chart in enumerate(charts))
    page = tmp_path / "mermaid.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><script>" + Path(script).read_text(encoding="utf-8")
        + "</script></head><body>" + sources + "<pre id='result'>pending</pre><script>"
        "mermaid.initialize({startOnLoad: false});"
        f"(async () => {{ const out = []; for (let i = 0; i < {len(charts)}; i++) {{"
        "try { await mermaid.render('g' + i, document.getElementById('chart' + i).textContent); out.push('ok'); }"
        "catch (error) { out.push('error ' + i + ': ' + String(error.message || error).slice(0, 200)); } }"
        "document.getElementById('result').textContent = out.join(' | '); })();"
        "</script></body></html>", encoding="utf-8")
    dom = _chromium(tmp_path, "--virtual-time-budget=30000", "--dump-dom", page.as_uri()).stdout
    result = html.unescape(re.search(r'<pre id="result">(.*?)</pre>', dom, re.DOTALL).group(1))
    assert result == " | ".join(["ok"] * len(charts)), result
