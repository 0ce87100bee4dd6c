"""docs/tutorial.md is real: its models are the files under docs/tutorial/, its `$ rnnlint`
blocks are what the commands print, and its other Python blocks run with torch and print
the block that follows them."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"(?:<!-- (?P<note>[^>]*) -->\n)?```(?P<lang>\w+)\n(?P<body>.*?)```", re.DOTALL)


def _blocks() -> list:
    text = TUTORIAL.read_text(encoding="utf-8")
    return [(match["note"], match["lang"], match["body"]) for match in BLOCK.finditer(text)]


def _rnnlint(command: str, tmp_path) -> str:
    env = dict(os.environ, RNNLINT_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "rnnlint", *shlex.split(command)[1:]], capture_output=True,
                            text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_the_models_are_the_files_and_every_file_is_shown():
    shown = set()
    for note, lang, body in _blocks():
        if note and note.startswith("file: "):
            path = note[len("file: "):]
            assert lang == "python" and (ROOT / path).read_text(encoding="utf-8") == body, path
            shown.add(path)
    files = {path.relative_to(ROOT).as_posix() for path in (ROOT / "docs" / "tutorial").rglob("*.py")}
    assert shown == files and len(files) >= 7


@pytest.mark.slow  # one rnnlint process per command of the tutorial
def test_the_commands_print_what_the_tutorial_shows(tmp_path):
    commands = 0
    for note, lang, body in _blocks():
        if lang == "text" and body.startswith("$ rnnlint "):
            command, expected = body.split("\n", 1)
            assert _rnnlint(command[2:], tmp_path) == expected, command
            commands += 1
        elif note and note.startswith("output of: "):
            printed = _rnnlint(note[len("output of: "):], tmp_path)
            fenced = re.search(rf"```{lang}\n(.*?)```", printed, re.DOTALL)
            assert fenced is not None and fenced.group(1) == body, note
            commands += 1
    assert commands >= 8


@pytest.mark.slow  # torch in a fresh interpreter per block
def test_the_python_blocks_run_with_torch_and_print_what_follows(tmp_path):
    pytest.importorskip("torch")
    blocks = _blocks()
    runs = 0
    for index, (note, lang, body) in enumerate(blocks):
        if lang != "python" or note:
            continue
        following = blocks[index + 1]
        assert following[1] == "text" and not following[2].startswith("$"), f"block {index} has no output block"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "docs" / "tutorial"))
        result = subprocess.run([sys.executable, "-W", "ignore", "-c", body], capture_output=True, text=True,
                                cwd=tmp_path, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        assert result.stdout == following[2], body
        runs += 1
    assert runs >= 3


def test_the_pictures_it_links_exist():
    text = TUTORIAL.read_text(encoding="utf-8")
    links = re.findall(r"\]\((pictures/[^)]+)\)", text)
    assert len(links) >= 5
    for link in links:
        assert (TUTORIAL.parent / link).exists(), link
