"""Generate a synthetic ML repository for timing linters: nested packages of ordinary
training, data and model code, with a small share of recurrent model files.

Standard library only; `--check` alone imports torch, to run each recurrent model once.

    python bench/gen_corpus.py OUT_DIR --files 5000 --rnn-share 0.05 --seed 0

The code is the package bench/synthetic/; this file is its command line.
"""

import sys

from synthetic import main

if __name__ == "__main__":
    sys.exit(main())
