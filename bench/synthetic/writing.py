"""Writing a corpus: the package layout, which files are recurrent, carry a bug or mention one,
and the manifest.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from .modules import ordinary_module, rnn_module
from .pieces import NOUNS
from .templates.recurrent import BUGS

DEFAULT_FILES = 5000
DEFAULT_RNN_SHARE = 0.05
# share of recurrent files that carry one classic shape bug
BUG_SHARE = 0.15
# share of ordinary files that name a recurrent layer in passing (a config choice, a log line)
MENTION_SHARE = 0.01
MANIFEST = "corpus.json"

TOP_PACKAGES = {
    "data": ["datasets", "loaders", "transforms", "samplers", "io", "augment", "text", "vision"],
    "models": ["vision", "nlp", "audio", "layers", "heads", "backbones", "blocks", "zoo"],
    "training": ["loops", "callbacks", "optim", "schedulers", "distributed", "hooks"],
    "utils": ["io", "logging", "misc", "timing", "registry", "checkpoint"],
    "config": ["schemas", "presets", "parsing"],
    "evaluation": ["metrics", "reports", "probes"],
    "tools": ["convert", "export", "inspect", "scripts"],
    "serving": ["handlers", "batching", "runtime"],
}
KIND_PACKAGES = {
    "data": ["data"],
    "trainer": ["training", "tools"],
    "cnn": ["models"],
    "transformer": ["models"],
    "config": ["config", "tools"],
    "utils": ["utils", "serving", "tools"],
    "metrics": ["evaluation", "training"],
    "rnn": ["models"],
}
ORDINARY_KINDS = ["data", "trainer", "cnn", "transformer", "config", "utils", "metrics"]
ORDINARY_WEIGHTS = [18, 12, 16, 14, 10, 20, 10]
FILES_PER_FOLDER = 18


class Layout:
    """Hands out folders under the project root, creating packages as files need them."""

    def __init__(self, rng: random.Random, root: str) -> None:
        self.rng = rng
        self.root = root
        self.folders: dict[str, list[str]] = {}  # every package folder -> file names in it
        self.planned: dict[str, int] = {}  # folder -> files planned for it
        self.leaves: dict[str, list[str]] = {}  # top-level package -> folders that take files

    def _add(self, path: str, created: list[str]) -> None:
        if path not in self.folders:
            self.folders[path] = []
            self.planned[path] = 0
            created.append(path)

    def place(self, kind: str) -> tuple[str, list[str]]:
        """Pick a folder for a file of `kind`: (folder, package folders created for it)."""
        top = self.rng.choice(KIND_PACKAGES[kind])
        leaves = self.leaves.setdefault(top, [])
        roomy = [f for f in leaves if self.planned[f] < FILES_PER_FOLDER]
        created: list[str] = []
        if roomy and self.rng.random() < 0.85:
            path = self.rng.choice(roomy)
        else:
            path = f"{self.root}/{top}"
            self._add(self.root, created)
            self._add(path, created)
            for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3])):
                path = f"{path}/{self.rng.choice(TOP_PACKAGES[top])}"
                self._add(path, created)
            if path not in leaves:
                leaves.append(path)
        self.planned[path] += 1
        return path, created

    def file_name(self, folder: str, kind: str, rng: random.Random) -> str:
        suffix = {"data": ["dataset", "loader", "transforms", "io"], "trainer": ["trainer", "loop", "optim"],
                  "cnn": ["net", "blocks", "backbone"], "transformer": ["attention", "transformer", "layers"],
                  "config": ["config", "options", "settings"], "utils": ["utils", "tools", "common"],
                  "metrics": ["metrics", "scores", "eval"], "rnn": ["model", "rnn", "encoder", "tagger", "seq"]}[kind]
        for attempt in range(1000):
            name = f"{rng.choice(NOUNS)}_{rng.choice(suffix)}.py"
            if attempt > 30:
                name = f"{rng.choice(NOUNS)}_{rng.choice(suffix)}_{attempt}.py"
            if name not in self.folders[folder] and name != "__init__.py":
                self.folders[folder].append(name)
                return name
        raise RuntimeError("ran out of file names")


def generate(out_dir: str | os.PathLike, files: int = DEFAULT_FILES, rnn_share: float = DEFAULT_RNN_SHARE,
             seed: int = 0, project: str = "mlproject") -> dict:
    """Write the corpus under `out_dir` and return its manifest (also written as corpus.json)."""
    if files < 10:
        raise ValueError("--files must be at least 10")
    out = Path(out_dir)
    rng = random.Random(f"corpus:{seed}")
    layout = Layout(rng, project)
    n_rnn = round(files * rnn_share)
    plan: list[tuple[str, str]] = []  # (path, kind) for content files, in order
    inits: list[str] = []
    used = 0
    while used < files:
        kind = rng.choices(ORDINARY_KINDS, ORDINARY_WEIGHTS)[0]
        folder, created = layout.place(kind)
        if created and used + len(created) + 1 > files:
            # no room left for another package: put the file in one that exists
            for package in created:
                del layout.folders[package]
                for leaves in layout.leaves.values():
                    if package in leaves:
                        leaves.remove(package)
            folder = rng.choice(sorted(layout.folders) or [project])
            created = []
        for package in created:
            inits.append(f"{package}/__init__.py")
        used += len(created)
        plan.append((folder, kind))
        used += 1
    content = len(plan)
    rnn_slots = set(rng.sample(range(content), min(n_rnn, content)))
    # recurrent files live with the models, in folders that already exist
    model_folders = layout.leaves.get("models") or sorted(layout.folders)
    for slot in sorted(rnn_slots):
        plan[slot] = (rng.choice(model_folders), "rnn")
    n_bugs = round(len(rnn_slots) * BUG_SHARE)
    bug_slots = rng.sample(sorted(rnn_slots), n_bugs)
    bug_names = list(BUGS)
    bug_of = {slot: bug_names[i % len(bug_names)] for i, slot in enumerate(bug_slots)}
    ordinary = [i for i in range(content) if i not in rnn_slots]
    mention_slots = set(rng.sample(ordinary, round(len(ordinary) * MENTION_SHARE)))

    out.mkdir(parents=True, exist_ok=True)
    manifest = {"seed": seed, "files": files, "rnn_share": rnn_share, "rnn_files": [],
                "mention_files": [], "lines": 0, "bytes": 0}
    for path in inits:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        name = path.rsplit("/", 2)[-2]
        target.write_text(f'"""The {name} package."""\n')
        manifest["bytes"] += target.stat().st_size
        manifest["lines"] += 1
    for index, (folder, kind) in enumerate(plan):
        file_rng = random.Random(f"file:{seed}:{index}")
        if index in rnn_slots:
            name = layout.file_name(folder, "rnn", file_rng)
            text, model = rnn_module(file_rng, bug_of.get(index))
            rel = f"{folder}/{name}"
            manifest["rnn_files"].append({
                "path": rel, "class": model.cls, "call": model.call, "expect": model.expect,
                "bug": model.bug, "code": BUGS.get(model.bug) if model.bug else None, **model.extra})
        else:
            name = layout.file_name(folder, kind, file_rng)
            text = ordinary_module(file_rng, kind, index in mention_slots)
            rel = f"{folder}/{name}"
            if index in mention_slots:
                manifest["mention_files"].append(rel)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        manifest["bytes"] += len(text.encode())
        manifest["lines"] += text.count("\n")
    manifest["python_files"] = len(inits) + len(plan)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest
