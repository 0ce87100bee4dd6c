"""What templates are made of: a piece of code with its imports, `$name` templates, and random
identifiers from a small vocabulary.
"""

from __future__ import annotations

import random
import string
import textwrap
from dataclasses import dataclass, field

ADJECTIVES = [
    "residual", "gated", "light", "deep", "sparse", "dual", "fast", "wide", "shared",
    "local", "global", "cached", "scaled", "masked", "stacked", "fused", "simple",
    "robust", "dynamic", "static", "hybrid", "compact", "tiny", "large", "causal",
]
NOUNS = [
    "patch", "token", "feature", "spectral", "audio", "image", "graph", "text", "frame",
    "pixel", "voxel", "point", "query", "memory", "context", "prompt", "label", "sample",
    "batch", "shard", "signal", "speech", "video", "scene", "region", "anchor", "mask",
]
ROLES = [
    "block", "encoder", "head", "stem", "layer", "module", "net", "adapter", "neck",
    "mixer", "projector", "pooler", "stage", "tower", "bridge",
]
VERBS = [
    "build", "load", "compute", "prepare", "merge", "split", "resolve", "collect",
    "normalize", "format", "export", "update", "parse", "filter", "gather", "reduce",
    "select", "convert", "register", "apply", "summarize", "validate", "cache", "flatten",
]
OBJECTS = [
    "records", "paths", "metrics", "weights", "options", "shards", "batches", "labels",
    "entries", "scores", "buffers", "groups", "splits", "targets", "stats", "keys",
    "outputs", "rows", "columns", "tags", "examples", "chunks",
]
DOC_OPENERS = [
    "Functions for", "Utilities used by", "Building blocks for", "Code shared by",
    "Small pieces of", "Routines for", "Support code for",
]
DOC_TOPICS = [
    "the training pipeline", "dataset preparation", "model construction",
    "experiment bookkeeping", "evaluation runs", "the inference server",
    "distributed jobs", "checkpoint handling", "feature extraction", "the export path",
]


def fill(template: str, **values: object) -> str:
    """Dedent a `$name` template and substitute every placeholder (a missing one raises)."""
    text = textwrap.dedent(template).strip("\n")
    return string.Template(text).substitute({k: str(v) for k, v in values.items()})


@dataclass
class Piece:
    """A top-level block of code with the imports it needs."""

    text: str
    imports: set[str] = field(default_factory=set)

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1


class Namer:
    """Random identifiers, unique within one module."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        for attempt in range(1000):
            name = make()
            if attempt > 20:
                name = f"{name}{attempt}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")

    def cls(self, role: str | None = None) -> str:
        rng = self.rng

        def make() -> str:
            parts = [rng.choice(ADJECTIVES), rng.choice(NOUNS), role or rng.choice(ROLES)]
            if rng.random() < 0.3:
                parts = parts[1:]
            return "".join(p.capitalize() for p in parts)

        return self._unique(make)

    def func(self, verb: str | None = None) -> str:
        rng = self.rng
        return self._unique(lambda: f"{verb or rng.choice(VERBS)}_{rng.choice(OBJECTS)}")

    def word(self) -> str:
        return self.rng.choice(NOUNS)

    def sentence(self) -> str:
        rng = self.rng
        return f"{rng.choice(DOC_OPENERS)} {rng.choice(DOC_TOPICS)}."
