"""Assembling modules from pieces: imports merged and grouped, sizes within bounds."""

from __future__ import annotations

import random
import re

from .pieces import Namer, Piece
from .templates import ORDINARY_BLOCKS
from .templates.config import block_argparse, block_config_dataclass
from .templates.recurrent import RNN_KIND_WEIGHTS, RNN_TEMPLATES, RnnModel, rnn_extras

MIN_LINES, MAX_LINES = 50, 400
RNN_MIN_LINES, RNN_MAX_LINES = 80, 300

STDLIB = {
    "argparse", "collections", "contextlib", "copy", "dataclasses", "functools", "itertools",
    "json", "logging", "math", "os", "pathlib", "random", "re", "time", "typing", "warnings",
}


def render(doc: str, pieces: list[Piece]) -> str:
    """A module: docstring, the imports its pieces use (merged, grouped), then the pieces."""
    body = "\n\n\n".join(p.text for p in pieces if p.text)
    plain: set[str] = set()
    from_names: dict[str, set[str]] = {}
    for piece in pieces:
        for line in piece.imports:
            words = line.replace(",", " ").split()
            if words[0] == "import":
                plain.add(line)
            else:
                from_names.setdefault(words[1], set()).update(words[3:])
    if "logger." in body:
        plain.add("import logging")

    def used(name: str) -> bool:
        return re.search(rf"\b{re.escape(name)}\b", body) is not None

    statements = [line for line in plain if used(line.split()[-1]) or line == "import logging"]
    for module, names in from_names.items():
        kept = sorted(n for n in names if used(n))
        if kept:
            statements.append(f"from {module} import {', '.join(kept)}")

    def group(line: str) -> int:
        return 0 if line.split()[1].split(".")[0] in STDLIB else 1

    def order(line: str) -> tuple:
        return (group(line), line.startswith("from "), line.split()[1])

    lines = [f'"""{doc}"""', ""]
    previous = None
    for line in sorted(statements, key=order):
        if previous is not None and group(line) != previous:
            lines.append("")
        lines.append(line)
        previous = group(line)
    if "logger." in body:
        lines += ["", "logger = logging.getLogger(__name__)"]
    return "\n".join(lines) + "\n\n\n" + body + "\n"


def ordinary_module(rng: random.Random, kind: str, mention: bool) -> str:
    nm = Namer(rng)
    target = int(rng.triangular(MIN_LINES, MAX_LINES, 140))
    pool = ORDINARY_BLOCKS[kind]
    pieces: list[Piece] = []
    if mention:
        maker = rng.choice([block_config_dataclass, block_argparse])
        pieces.append(maker(rng, nm, mention=True))
    total = 8 + sum(p.lines + 2 for p in pieces)
    while total < target:
        maker = rng.choice(pool) if rng.random() < 0.8 else rng.choice(ORDINARY_BLOCKS["utils"])
        piece = maker(rng, nm)
        if not piece.text:
            continue
        if total + piece.lines > MAX_LINES and total >= MIN_LINES:
            break
        pieces.append(piece)
        total += piece.lines + 3
    rng.shuffle(pieces)
    return render(nm.sentence(), pieces)


def rnn_module(rng: random.Random, bug: str | None) -> tuple[str, RnnModel]:
    nm = Namer(rng)
    if bug is not None:
        kinds = [k for k, (_, bugs) in RNN_TEMPLATES.items() if bug in bugs]
        kind = rng.choice(kinds)
    else:
        kind = rng.choices(list(RNN_KIND_WEIGHTS), weights=list(RNN_KIND_WEIGHTS.values()))[0]
    model = RNN_TEMPLATES[kind][0](rng, nm, bug)
    target = rng.randint(RNN_MIN_LINES, RNN_MAX_LINES)
    pieces = [model.piece]
    total = 10 + model.piece.lines
    for extra in rnn_extras(rng, nm):
        if total >= target:
            break
        if total + extra.lines > RNN_MAX_LINES:
            continue
        pieces.append(extra)
        total += extra.lines + 3
    doc = model.piece.text.split(f"class {model.cls}(", 1)[1].split('"""')[1]
    return render(doc.strip(), pieces), model


def rnn_big_module(lines: int, seed: int = 0) -> str:
    """One module of about `lines` lines made of many recurrent model classes (all correct)."""
    rng = random.Random(f"big:{seed}")
    nm = Namer(rng)
    pieces: list[Piece] = []
    total = 10
    kinds = list(RNN_TEMPLATES)
    index = 0
    while total < lines:
        kind = kinds[index % len(kinds)]
        index += 1
        if kind in ("lm", "forecaster") and index > len(kinds):
            # these two bring module-level functions of their own: only once per module
            kind = "classifier" if kind == "lm" else "tagger"
        piece = RNN_TEMPLATES[kind][0](rng, nm, None).piece
        pieces.append(piece)
        total += piece.lines + 3
    return render("Many recurrent models in one module, for timing.", pieces)
