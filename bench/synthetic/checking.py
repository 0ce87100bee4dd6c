"""`--check`: parse every file, then build each recurrent model with torch and run it once."""

from __future__ import annotations

import ast
import inspect
import json
import os
from pathlib import Path

from .writing import MANIFEST


def _run_model(torch, model, entry: dict) -> str:
    """Call a model once on random input of the kind its file expects: "ok" or what went wrong."""
    batch, seq = 3, 5
    call = entry["call"]
    if call == "tokens":
        y = model(torch.randint(1, entry["vocab"], (batch, seq)))
    elif call == "tagger":
        y = model(torch.randint(1, entry["vocab"], (batch, seq)), torch.randint(1, 100, (batch, seq, 7)))
    elif call == "seq2seq":
        y = model(torch.randint(1, entry["vocab"], (batch, seq)), torch.randint(1, entry["vocab"], (batch, 6)))
    elif call == "lm":
        y, _ = model(torch.randint(0, entry["vocab"], (seq, batch)), model.init_hidden(batch))
    else:
        y = model(torch.randn(batch, seq, entry["features"]))
    return "ok" if list(y.shape) == entry["expect"] else f"shape {list(y.shape)} != {entry['expect']}"


def check(out_dir: str | os.PathLike) -> int:
    """Parse every file; build and run each recurrent model once with torch. Returns failures."""
    out = Path(out_dir)
    manifest = json.loads((out / MANIFEST).read_text())
    failures = 0
    for path in sorted(out.rglob("*.py")):
        try:
            ast.parse(path.read_text(), str(path))
        except SyntaxError as exc:
            print(f"syntax error: {path.relative_to(out)}: {exc}")
            failures += 1
    import importlib.util

    import torch

    torch.manual_seed(0)
    results: dict[str, int] = {}
    for entry in manifest["rnn_files"]:
        spec = importlib.util.spec_from_file_location("corpus_model", out / entry["path"])
        module = importlib.util.module_from_spec(spec)
        outcome = "ok"
        try:
            spec.loader.exec_module(module)
            cls = getattr(module, entry["class"])
            settings = [{}]
            flag = inspect.signature(cls).parameters.get("bidirectional")
            if flag is not None and entry["bug"] is None:
                # a `bidirectional` argument must work both ways
                settings.append({"bidirectional": not flag.default})
            for kwargs in settings:
                outcome = _run_model(torch, cls(**kwargs).eval(), entry)
                if outcome != "ok":
                    outcome += f" with {kwargs}" if kwargs else ""
                    break
        except Exception as exc:  # noqa: BLE001 - a generated model may fail in any way: it is counted
            outcome = f"{type(exc).__name__}: {str(exc).splitlines()[0][:90]}"
        if entry["bug"] is None and outcome != "ok":
            print(f"FAIL {entry['path']}: correct model: {outcome}")
            failures += 1
        label = entry["bug"] or "correct"
        results[label] = results.get(label, 0) + 1
        if entry["bug"] is not None:
            if outcome == "ok":
                outcome = "silent: runs and returns the intended shape"
            print(f"bug {entry['bug']:<26} {entry['path']}: {outcome}")
    print(f"recurrent models run: {results}")
    return failures
