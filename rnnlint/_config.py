"""Configuration: ``[tool.rnnlint]`` in pyproject.toml, overridden by command-line flags."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # installed on 3.10 only

_CODE_PREFIX = re.compile(r"^RNN[0-9]{0,3}$")
_KNOWN_KEYS = {"select", "ignore", "exclude", "extend-exclude", "extend-include", "per-file-ignores", "unsafe-fixes"}
DEFAULT_INCLUDE = ("*.py", "*.pyi", "*.ipynb")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", ".mypy_cache", ".ruff_cache",
    ".pytest_cache", ".tox", ".nox", "build", "dist", "node_modules", "site-packages", ".rnnlint_cache",
)


_DEFAULT_EXCLUDED_NAMES = frozenset(DEFAULT_EXCLUDE)


class ConfigError(Exception):
    """A configuration or usage problem, reported as one line."""


@dataclass(frozen=True)
class Config:
    select: tuple = ("RNN",)
    ignore: tuple = ()
    exclude: tuple = ()
    per_file_ignores: tuple = ()  # ((glob, (codes...)), ...)
    unsafe_fixes: bool = False
    extend_include: tuple = ()  # file name patterns a folder walk checks besides DEFAULT_INCLUDE

    def is_included(self, path: Path) -> bool:
        """Whether a folder walk checks this file (relative to the folder given); a file given
        by name is always checked."""
        return any(fnmatch.fnmatch(path.name, pattern) or _path_matches(str(path), pattern)
                   for pattern in DEFAULT_INCLUDE + self.extend_include)

    def is_selected(self, code: str, path: str = "") -> bool:
        if code == "RNN000":
            return True
        # the more specific of select and ignore wins, as in ruff: select RNN + ignore RNN004
        chosen = _longest_match(code, self.select)
        dropped = _longest_match(code, self.ignore)
        if chosen < 0 or dropped >= chosen:
            return False
        for pattern, codes in self.per_file_ignores:
            if _path_matches(path, pattern) and _longest_match(code, codes) >= 0:
                return False
        return True

    def is_excluded(self, path: Path) -> bool:
        """``path`` is relative to a folder given on the command line."""
        if path.name in _DEFAULT_EXCLUDED_NAMES:
            return True
        return any(
            path.name == pattern or _path_matches(str(path), pattern)
            for pattern in self.exclude if pattern not in _DEFAULT_EXCLUDED_NAMES
        )

    def fingerprint(self) -> str:
        text = json.dumps([self.select, self.ignore, self.per_file_ignores], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _longest_match(code: str, prefixes: tuple) -> int:
    best = -1
    for prefix in prefixes:
        if code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def _path_matches(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, f"*/{pattern}") or \
        fnmatch.fnmatch(path, f"{pattern}/*") or fnmatch.fnmatch(path, f"*/{pattern}/*")


def validate_codes(codes: tuple, where: str) -> tuple:
    for code in codes:
        if not _CODE_PREFIX.match(code):
            raise ConfigError(f"{where}: not a rule code or prefix: {code!r}")
        # the registry imports every rule (and the analysis): read it only for a full code
        if len(code) == 6 and code not in _known_codes():
            raise ConfigError(f"{where}: unknown code {code}")
    return tuple(codes)


def _known_codes() -> set:
    from .rules import ALL_RULES

    return {rule.CODE for rule in ALL_RULES} | {"RNN000"}


def find_pyproject(start: Path) -> Path | None:
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in [current, *current.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(pyproject: Path | None) -> Config:
    """Read ``[tool.rnnlint]``; a bad file or key is a ConfigError with a one-line reason."""
    if pyproject is None:
        return Config()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML: {error}") from None
    section = data.get("tool", {}).get("rnnlint", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.rnnlint] must be a table")
    where = f"{pyproject.name}: [tool.rnnlint]"
    for key in section:
        if key not in _KNOWN_KEYS:
            raise ConfigError(f"{where} unknown key {key!r}")
    select = _string_list(section, "select", where) or ("RNN",)
    ignore = _string_list(section, "ignore", where)
    exclude = _string_list(section, "exclude", where) + _string_list(section, "extend-exclude", where)
    per_file = section.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{where} per-file-ignores must be a table of glob = [codes]")
    per_file_ignores = []
    for pattern, codes in per_file.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{where} per-file-ignores.{pattern!r} must be a list of codes")
        per_file_ignores.append((pattern, validate_codes(tuple(codes), f"{where} per-file-ignores")))
    extend_include = _string_list(section, "extend-include", where)
    unsafe = section.get("unsafe-fixes", False)
    if not isinstance(unsafe, bool):
        raise ConfigError(f"{where} unsafe-fixes must be true or false")
    return Config(
        select=validate_codes(select, f"{where} select"),
        ignore=validate_codes(ignore, f"{where} ignore"),
        exclude=tuple(DEFAULT_EXCLUDE) + exclude,
        per_file_ignores=tuple(per_file_ignores),
        unsafe_fixes=unsafe,
        extend_include=extend_include,
    )


def _string_list(section: dict, key: str, where: str) -> tuple:
    value = section.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} {key} must be a list of strings")
    return tuple(value)
