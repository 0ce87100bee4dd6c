"""Mutation benchmark: inject classic recurrent-network bugs into the clean corpus, keep the
mutants that real torch shows to misbehave, and count which ones rnnlint reports.

    .venv/bin/python bench/mutation.py [--json OUT] [--corpus DIR] [--match TEXT] [--list]
    .venv/bin/python bench/mutation.py --show FILE:OPERATOR:SITE

Needs torch, libcst and rnnlint. Nothing is cached between runs; mutants live in a temporary folder.
How sites are chosen, confirmed and classified: bench/README.md, "Mutation benchmark".
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .benchmark import CLEAN_CORPUS, run_benchmark
from .report import render, show_mutant


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="OUT", help="also write the full result as JSON to OUT")
    parser.add_argument("--corpus", metavar="DIR", default=str(CLEAN_CORPUS), help="folder of clean models")
    parser.add_argument("--list", action="store_true", help="list every mutant with its outcome")
    parser.add_argument("--match", default="", metavar="TEXT", help="only the corpus files whose name contains TEXT")
    parser.add_argument("--show", metavar="NAME", help="print one mutant (file:operator:site) as a diff, then stop")
    args = parser.parse_args(argv)
    if args.show:
        return show_mutant(Path(args.corpus), args.show)
    result = run_benchmark(Path(args.corpus), match=args.match)
    print(render(result, list_all=args.list))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0
