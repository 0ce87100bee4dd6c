"""Generate a synthetic ML repository for timing linters: nested packages of ordinary
training, data and model code, with a small share of recurrent model files.

    pieces      a piece of code with its imports, templates, random identifiers
    templates/  ordinary blocks (one module per kind of code) and the recurrent models
    modules     assembling a module from pieces
    writing     the package layout, the planted bugs, the manifest
    checking    `--check`: every file parses, every recurrent model runs with torch
    cli         the command line (`python bench/gen_corpus.py`)

Standard library only; `--check` alone imports torch.
"""

from .checking import check
from .cli import main
from .modules import ordinary_module, render, rnn_big_module, rnn_module
from .writing import DEFAULT_FILES, DEFAULT_RNN_SHARE, MANIFEST, generate

__all__ = ["DEFAULT_FILES", "DEFAULT_RNN_SHARE", "MANIFEST", "check", "generate", "main", "ordinary_module", "render",
           "rnn_big_module", "rnn_module"]
