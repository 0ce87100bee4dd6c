"""rnnlint: a shape checker for PyTorch recurrent networks.

The static API is small and imports nothing heavy until used; ``rnnlint.runtime`` holds
the torch-side checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Finding", "lint_source", "lint_tree", "lint_paths", "__version__"]

if TYPE_CHECKING:
    from ._engine import lint_source
    from ._finding import Finding


def lint_paths(paths, select=None, ignore=None):
    """Lint files and folders; returns the sorted findings.

    >>> [finding.code for finding in lint_paths(["examples/rnn008_input_size_mismatch/buggy.py"])]
    ['RNN008']
    """
    from ._config import Config
    from ._runner import RunOptions, run

    config = Config()
    if select is not None or ignore is not None:
        config = Config(select=tuple(select or ("RNN",)), ignore=tuple(ignore or ()))
    from ._engine import _warn_incomplete

    result = run(list(paths), config, RunOptions(jobs=1))
    _warn_incomplete(result.errors)
    return result.findings


def lint_tree(tree, source: str, path: str = "<string>", *, configured: bool = False):
    """Lint one file whose ``ast`` tree the caller has built already (a flake8 plugin has): the
    sorted findings, with the default configuration. A tree means the file parsed: no RNN000.
    When ``path`` is a file, the imports among its project's files are followed, as the command
    line follows them; with ``configured``, its rules are selected by the nearest configuration
    file above it (``select``, ``ignore``, ``per-file-ignores``...), as the command line selects
    them (a bad file raises ``ValueError`` with the command line's one-line message).

    >>> import ast
    >>> source = "import torch.nn as nn\\nrnn = nn.LSTM(8, 16, num_layers=0)\\n"
    >>> [finding.code for finding in lint_tree(ast.parse(source), source)]
    ['RNN011']
    """
    import os

    from ._config import Config
    from ._engine import _warn_incomplete, check_source

    project = None
    config = Config()
    if os.path.isfile(path):  # a file on disk: its imports are read in its project, as `rnnlint` reads them
        from ._project import project_for

        project = project_for(os.path.abspath(path))
        if configured:
            config = _configuration_of(path)
    result = check_source(source, path, config, tree=tree, project=project)
    _warn_incomplete(result.errors)
    return result.findings


_CONFIGURATIONS: dict = {}  # configuration file -> (its modification time, Config or the error)


def _configuration_of(path: str):
    """The configuration of the nearest configuration file above ``path``, read once a process
    (again when the file changes)."""
    from pathlib import Path

    from ._config import Config, ConfigError, find_config, load_config

    found = find_config(Path(path))
    if found is None:
        return Config()
    stamp = found.stat().st_mtime_ns
    cached = _CONFIGURATIONS.get(found)
    if cached is None or cached[0] != stamp:
        try:
            cached = _CONFIGURATIONS[found] = (stamp, load_config(found))
        except ConfigError as error:
            cached = _CONFIGURATIONS[found] = (stamp, ValueError(f"rnnlint: error: {error}"))
    if isinstance(cached[1], ValueError):
        raise cached[1]
    return cached[1]


def __getattr__(name: str):
    # keep `import rnnlint` cheap: the analysis and the rules load on first use
    if name == "lint_source":
        from ._engine import lint_source

        return lint_source
    if name == "Finding":
        from ._finding import Finding

        return Finding
    raise AttributeError(f"module 'rnnlint' has no attribute {name!r}")
