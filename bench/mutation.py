"""Mutation benchmark: inject classic recurrent-network bugs into the clean corpus, keep the
mutants that real torch shows to misbehave, and count which ones rnnlint reports.

    .venv/bin/python bench/mutation.py [--json OUT] [--corpus DIR] [--match TEXT] [--list]
    .venv/bin/python bench/mutation.py --show FILE:OPERATOR:SITE

The code is the package bench/mutants/; this file is its command line.
"""

import sys

from mutants import main

if __name__ == "__main__":
    sys.exit(main())
