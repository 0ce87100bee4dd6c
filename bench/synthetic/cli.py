"""Generate a synthetic ML repository for timing linters: nested packages of ordinary
training, data and model code, with a small share of recurrent model files.

Standard library only; `--check` alone imports torch, to run each recurrent model once.

    python bench/gen_corpus.py OUT_DIR --files 5000 --rnn-share 0.05 --seed 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .checking import check
from .writing import DEFAULT_FILES, DEFAULT_RNN_SHARE, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", help="folder to write the corpus into (created)")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="number of .py files (default %(default)s)")
    parser.add_argument("--rnn-share", type=float, default=DEFAULT_RNN_SHARE,
                        help="share of recurrent model files (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="after writing, parse every file and run each recurrent model with torch")
    args = parser.parse_args(argv)
    if not 0.0 <= args.rnn_share <= 1.0:
        parser.error("--rnn-share must be between 0 and 1")
    if args.files < 10:
        parser.error("--files must be at least 10")
    out = Path(args.out_dir)
    if out.exists() and any(out.iterdir()):
        parser.error(f"{out} is not empty")
    manifest = generate(out, args.files, args.rnn_share, args.seed)
    bugs = sum(1 for e in manifest["rnn_files"] if e["bug"])
    print(f"wrote {manifest['python_files']} .py files, {manifest['lines']:,} lines, "
          f"{manifest['bytes'] / 1e6:.1f} MB to {out}: {len(manifest['rnn_files'])} recurrent "
          f"({bugs} with a planted bug), {len(manifest['mention_files'])} that only mention one")
    if args.check:
        return 1 if check(out) else 0
    return 0
