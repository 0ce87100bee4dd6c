"""``.gitignore`` matching, as git reads those files, for folder walks. Standard library only.

Inside a git repository (a folder with ``.git``), every ``.gitignore`` from the repository's
root down to a file applies, with ``.git/info/exclude``; a deeper file and a later line win.
Outside a repository no ``.gitignore`` applies, as with git (and ruff).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple


class Pattern(NamedTuple):  # a named tuple: cheaper to define than a dataclass, at each start
    regex: re.Pattern
    negated: bool
    directory_only: bool


def parse(text: str) -> tuple[Pattern, ...]:
    """The patterns of one ``.gitignore`` file, in order."""
    patterns = []
    for line in text.splitlines():
        pattern = _parse_line(line)
        if pattern is not None:
            patterns.append(pattern)
    return tuple(patterns)


def _parse_line(line: str) -> Pattern | None:
    line = line.rstrip("\r")
    if not line or line.startswith("#"):
        return None
    # trailing spaces are dropped unless a backslash keeps one
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    negated = line.startswith("!")
    if negated or line.startswith(("\\!", "\\#")):  # `\!` and `\#` are the characters themselves
        line = line[1:]
    directory_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/") if directory_only else line
    if not line:
        return None
    # a slash at the start or in the middle anchors the pattern to the file's folder
    anchored = "/" in line
    line = line.lstrip("/") if line.startswith("/") else line
    body = _translate(line)
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(re.compile(f"^{prefix}{body}$", re.DOTALL), negated, directory_only)


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression over a ``/``-separated relative path."""
    out = []
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == "*":
            if pattern.startswith("**", index):
                before_ok = index == 0 or pattern[index - 1] == "/"
                after = index + 2
                if before_ok and after == size:  # `dir/**`: everything inside
                    out.append(".*")
                    index = after
                    continue
                if before_ok and pattern.startswith("/", after):  # `**/`: any folders, or none
                    out.append("(?:.*/)?")
                    index = after + 1
                    continue
                out.append("[^/]*")  # any other `**` is a `*`
                index = after
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = index + 1
            if end < size and pattern[end] in "!^":
                end += 1
            if end < size and pattern[end] == "]":
                end += 1
            while end < size and pattern[end] != "]":
                end += 1
            if end >= size:
                out.append(re.escape(char))  # no closing bracket: a plain `[`
            else:
                inside = pattern[index + 1:end]
                negate = inside[:1] in ("!", "^")
                inside = (inside[1:] if negate else inside).replace("\\", "\\\\").replace("[", "\\[")
                # a bracket never matches the `/` between folders
                out.append(f"[^/{inside}]" if negate else f"[{inside}]")
                index = end + 1
                continue
        elif char == "\\" and index + 1 < size:
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


class GitIgnore:
    """Which paths the ``.gitignore`` files around them leave out; each file is read once.

    A folder with a ``.git`` of its own starts a repository: the files above it do not apply
    inside, as git keeps a nested repository's files to itself."""

    def __init__(self) -> None:
        self._chains: dict = {}  # folder -> ((folder, patterns), ...) from the root down, or None

    def _chain(self, folder: str, names=None) -> tuple | None:
        """``names``: those in ``folder``, where the caller has listed it (else the file system is asked)."""
        chain = self._chains.get(folder, False)
        if chain is not False:
            return chain
        if (names is None or ".git" in names) and os.path.exists(os.path.join(folder, ".git")):
            own = _read(Path(folder, ".git", "info", "exclude")) + _read(Path(folder, ".gitignore"))
            chain = ((folder, own),)
        else:
            parent = os.path.dirname(folder)
            up = None if parent == folder else self._chain(parent)
            # outside a repository a folder's .gitignore is not even read
            own = _read(Path(folder, ".gitignore")) if up is not None and (names is None or ".gitignore" in names) \
                else ()
            chain = None if up is None else (up + ((folder, own),) if own else up)
        self._chains[folder] = chain
        return chain

    def applies_in(self, folder: str | Path, names=None) -> bool:
        """Whether any ``.gitignore`` (or a repository's exclude file) applies to the entries of
        ``folder``; ``names``: the names in it, where the caller has listed it."""
        return bool(self._chain(os.path.abspath(folder), names))

    def ignored(self, path: str | Path, is_dir: bool) -> bool:
        """Whether the ``.gitignore`` files above ``path`` leave it out (``path`` itself only:
        a caller walking folders does not enter an ignored one)."""
        full = os.path.abspath(path)
        chain = self._chain(os.path.dirname(full))
        if not chain:
            return False  # outside a repository git ignores nothing, and neither does rnnlint
        for base, patterns in reversed(chain):  # the deepest file first; in it, the last line
            relative = full[len(base):].lstrip(os.sep).replace(os.sep, "/")
            for pattern in reversed(patterns):
                if pattern.directory_only and not is_dir:
                    continue
                if pattern.regex.match(relative):
                    return not pattern.negated
        return False

    def ignored_with_parents(self, path: str | Path, is_dir: bool) -> bool:
        """Whether ``path`` or a folder above it is ignored: a file inside an ignored folder is
        ignored, whatever a pattern says of the file itself."""
        full = os.path.abspath(path)
        if self.ignored(full, is_dir):
            return True
        folder = os.path.dirname(full)
        while self._chain(os.path.dirname(folder)) and not os.path.exists(os.path.join(folder, ".git")):
            if self.ignored(folder, True):
                return True
            folder = os.path.dirname(folder)
        return False


def _read(path: Path) -> tuple:
    try:
        return parse(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ()
