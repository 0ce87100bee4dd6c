"""flake8 plugin: rnnlint's findings as flake8 errors (codes RNN...).

A thin adapter over ``rnnlint.lint_tree``; it imports no torch.
"""

from __future__ import annotations

from collections.abc import Iterator

from rnnlint import __version__


class RnnlintChecker:
    """Runs rnnlint on the file flake8 is checking.

    flake8 counts columns from 0 and adds one when printing; rnnlint's are 0-based too.
    ``# noqa`` is applied by flake8 itself, as for any plugin.
    """

    name = "rnnlint"
    version = __version__

    def __init__(self, tree, lines: list, filename: str = "<stdin>"):
        self.tree = tree  # flake8's own parse of the file: rnnlint reads the same tree
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple]:
        import warnings

        from rnnlint import lint_tree

        # flake8 handles noqa, and its own --select and --ignore come on top of the project's
        # selection: the rules the configuration file ([tool.rnnlint]) turns off are off here as
        # on the command line (syntax errors are flake8's: it hands over a tree only for a file
        # that parses)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            try:
                findings = lint_tree(self.tree, "".join(self.lines), self.filename, configured=True)
            except ValueError as error:  # a bad configuration file: one line, never silent
                yield 1, 0, f"RNN000 {str(error).removeprefix('rnnlint: error: ')}", type(self)
                return
        for finding in findings:
            yield finding.row, finding.column, f"{finding.code} {finding.message}", type(self)
        for warning in caught:  # an internal error: the file was not fully checked, never silent
            text = str(warning.message)
            if text.startswith("rnnlint: "):
                yield 1, 0, f"RNN000 {text[len('rnnlint: '):]}", type(self)
