"""Render the pictures under docs/pictures/: one HTML page per examples/ model (buggy and fixed)
and per tutorial model, and a PNG of each page's pictures (needs `chromium`).

    python docs/render_pictures.py          # from the repository root

tests/test_docs_pictures.py keeps the HTML pages equal to what `rnnlint shapes` draws today.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PICTURES = ROOT / "docs" / "pictures"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--disable-dev-shm-usage"]


def pages() -> dict:
    """``{page name: (paths given to rnnlint shapes, path whose pictures go in the PNG)}``."""
    found = {}
    for example in sorted((ROOT / "examples").glob("rnn*")):
        found[example.name] = ([f"examples/{example.name}"], f"examples/{example.name}/buggy.py")
    for model in sorted((ROOT / "docs" / "tutorial").rglob("*.py")):
        relative = model.relative_to(ROOT).as_posix()
        name = "tutorial-" + model.relative_to(ROOT / "docs" / "tutorial").with_suffix("").as_posix().replace("/", "-")
        found[name] = ([relative], relative)
    return found


def shapes(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "rnnlint", "shapes", *args], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    return result.stdout


def main() -> int:
    PICTURES.mkdir(exist_ok=True)
    chromium = shutil.which("chromium")
    for name, (paths, pictured) in pages().items():
        (PICTURES / f"{name}.html").write_text(shapes("--format", "html", *paths), encoding="utf-8")
        if chromium is None:
            continue
        page = shapes("--format", "html", pictured)
        svgs = re.findall(r"<svg .*?</svg>", page, re.DOTALL)
        if not svgs:
            (PICTURES / f"{name}.png").unlink(missing_ok=True)
            continue
        width = max(int(re.search(r'width="(\d+)"', svg).group(1)) for svg in svgs)
        height = sum(int(re.search(r'height="(\d+)"', svg).group(1)) for svg in svgs)
        style = page[page.index("<style>"):page.index("</style>") + len("</style>")]
        with tempfile.TemporaryDirectory() as folder:
            wrapper = Path(folder) / "pictures.html"
            wrapper.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{style}"
                               "<style>body{margin:0}svg{display:block}</style></head><body>"
                               + "".join(svgs) + "</body></html>", encoding="utf-8")
            subprocess.run([chromium, *FLAGS, f"--user-data-dir={folder}/profile", f"--window-size={width},{height}",
                            f"--screenshot={PICTURES / (name + '.png')}", wrapper.as_uri()],
                           capture_output=True, check=True, timeout=120)
    print(f"rendered {len(pages())} pages into {PICTURES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
