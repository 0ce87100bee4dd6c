"""The pages under docs/pictures/ are what `rnnlint shapes --format html` draws today
(regenerate them with `python docs/render_pictures.py`)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT


def _render_module():
    spec = importlib.util.spec_from_file_location("render_pictures", ROOT / "docs" / "render_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # one rnnlint process per page
def test_every_example_and_tutorial_model_has_its_page_up_to_date():
    pages = _render_module().pages()
    assert len([name for name in pages if name.startswith("rnn")]) == len(list((ROOT / "examples").glob("rnn*")))
    for name, (paths, _pictured) in pages.items():
        result = subprocess.run([sys.executable, "-m", "rnnlint", "shapes", "--format", "html", *paths],
                                capture_output=True, text=True, cwd=ROOT, timeout=120)
        kept = ROOT / "docs" / "pictures" / f"{name}.html"
        assert kept.read_text(encoding="utf-8") == result.stdout, f"{kept.name}: run python docs/render_pictures.py"
        png = kept.with_suffix(".png")
        if name != "rnn011_invalid_rnn_argument":  # its LSTM's arguments are not known: no grid is drawn
            assert png.is_file() and png.stat().st_size < 150_000, png.name
