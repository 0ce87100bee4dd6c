"""Configuration: ``.rnnlint.toml``, ``rnnlint.toml`` or ``[tool.rnnlint]`` in pyproject.toml,
overridden by ``--config KEY=VALUE``, then by command-line flags. Standard library only."""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path


def _tomllib():
    """The TOML parser, imported only when a configuration file is read: a run without one
    (an editor's file, pre-commit in a project with no settings) does not pay for it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # installed on 3.10 only
    return tomllib


_CODE_PREFIX = re.compile(r"^RNN[0-9]{0,3}$")
KNOWN_KEYS = (
    "select", "extend-select", "ignore", "extend-ignore", "exclude", "extend-exclude", "extend-include",
    "per-file-ignores", "extend-per-file-ignores", "unsafe-fixes", "respect-gitignore", "force-exclude", "cache-dir",
)
# in one folder the first of these that exists is the configuration, as ruff reads its own files
CONFIG_FILES = (".rnnlint.toml", "rnnlint.toml", "pyproject.toml")
DEFAULT_INCLUDE = ("*.py", "*.pyi", "*.ipynb")
_INCLUDED_SUFFIXES = tuple(pattern[1:] for pattern in DEFAULT_INCLUDE)  # "*.py" matches any name ending ".py"
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
    extend_select: tuple = ()
    # later layers of selection (the command line): ((select or None, extend_select, ignore), ...);
    # each applies to what the layers before it chose, as ruff resolves its command line
    overrides: tuple = ()
    respect_gitignore: bool = True
    force_exclude: bool = False  # exclusions apply to paths named explicitly and to --stdin-filename
    cache_dir: str | None = None  # from the configuration file, relative to its folder

    def is_included(self, path: Path) -> bool:
        """Whether a folder walk checks this file (relative to the folder given); a file given
        by name is always checked."""
        return self.includes(str(path), path.name)

    def includes(self, relative: str, name: str) -> bool:
        """``is_included`` of a path spelt as a string, ``name`` its last part."""
        if name.endswith(_INCLUDED_SUFFIXES):  # what the first patterns match, without fnmatch
            return True
        return any(fnmatch.fnmatch(name, pattern) or _path_matches(relative, pattern)
                   for pattern in DEFAULT_INCLUDE + self.extend_include)

    def is_selected(self, code: str, path: str = "") -> bool:
        if code == "RNN000":
            return True
        enabled = _layer(code, self.select, self.extend_select, self.ignore, False)
        for select, extend_select, ignore in self.overrides:
            enabled = _layer(code, select, extend_select, ignore, enabled)
        if not enabled:
            return False
        for pattern, codes in self.per_file_ignores:
            if _path_matches(path, pattern) and _longest_match(code, codes) >= 0:
                return False
        return True

    def exclude_patterns(self) -> list:
        """The exclusion patterns beyond the default names (which exclude a name wherever it is)."""
        return list(self._own_exclusions)

    @functools.cached_property
    def _own_exclusions(self) -> tuple:
        return tuple(pattern for pattern in self.exclude if pattern not in _DEFAULT_EXCLUDED_NAMES)

    @functools.cached_property
    def by_name(self) -> bool:
        """Whether a folder walk includes and excludes a file by its name alone: no pattern of
        the configuration's own (``extend-include``, exclusions beyond the default names)."""
        return not self.extend_include and not self._own_exclusions

    def is_excluded(self, path: Path) -> bool:
        """``path`` is relative to a folder given on the command line."""
        return self.excludes(str(path), path.name)

    def excludes(self, relative: str, name: str) -> bool:
        """``is_excluded`` of a path spelt as a string, ``name`` its last part."""
        if name in _DEFAULT_EXCLUDED_NAMES:
            return True
        return any(name == pattern or _path_matches(relative, pattern) for pattern in self._own_exclusions)

    def fingerprint(self) -> str:
        return self._fingerprint

    @functools.cached_property
    def _fingerprint(self) -> str:  # asked for each file a warm run serves: computed once
        text = json.dumps([self.select, self.ignore, self.extend_select, self.overrides, self.per_file_ignores],
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _layer(code: str, select: tuple | None, extend_select: tuple, ignore: tuple, before: bool) -> bool:
    """One layer of selection: in it the more specific of select and ignore wins, as in ruff
    (select RNN + ignore RNN004); a layer with a ``select`` starts again from nothing."""
    chosen = _longest_match(code, (select or ()) + extend_select)
    dropped = _longest_match(code, ignore)
    if select is None and chosen < 0 and dropped < 0:
        return before  # the layer says nothing about this code
    return chosen >= 0 and chosen > dropped


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


def validate_codes(codes: tuple, where: str, ignoring: bool = False) -> tuple:
    """``codes`` as given, or a ConfigError naming the first that is not a rule code or prefix
    (with the nearest code when one is a letter away). ``ignoring``: RNN000 cannot be ignored."""
    for code in codes:
        if not _CODE_PREFIX.match(code):
            raise ConfigError(f"{where}: not a rule code or prefix: {code!r}{_did_you_mean(code)}")
        # the registry imports every rule (and the analysis): read it only for a full code
        if len(code) == 6 and code not in _known_codes():
            raise ConfigError(f"{where}: unknown code {code}{_did_you_mean(code)}")
        # a prefix that names no rule selects nothing: a typo, never a silent no-op (`RNN99`)
        if 3 < len(code) < 6 and not any(known.startswith(code) for known in _known_codes()):
            raise ConfigError(f"{where}: no rule code starts with {code}{_did_you_mean_prefix(code)}")
        if ignoring and code == "RNN000":
            raise ConfigError(f"{where}: RNN000 cannot be ignored: a file that cannot be read or parsed is never "
                              "a pass (leave the file out with extend-exclude)")
    return tuple(codes)


def _did_you_mean(code: str, rules_only: bool = False) -> str:
    """``; did you mean RNN001?`` when a known code (or rule name) is one edit away;
    ``rules_only``: not RNN000, which has no rule of its own (`rnnlint rule`)."""
    import difflib

    from .rules import ALL_RULES

    upper = code.upper()
    names = {rule.NAME: rule.CODE for rule in ALL_RULES}
    near_name = difflib.get_close_matches(code.lower(), list(names), n=1, cutoff=0.8)
    if near_name:  # a rule's name, or a misspelling of one
        return f"; did you mean {names[near_name[0]]} ({near_name[0]})?"
    near = sorted(known for known in _known_codes() if _one_edit_apart(upper, known)
                  and not (rules_only and known == "RNN000"))
    return f"; did you mean {near[0]}?" if near else ""


def _did_you_mean_prefix(prefix: str) -> str:
    """``; did you mean RNN01?`` when a prefix of a known code is one edit away."""
    near = sorted({known[:len(prefix)] for known in _known_codes() if known != "RNN000"
                   and _one_edit_apart(prefix, known[:len(prefix)])})
    return f"; did you mean {near[0]}?" if near else ""


def _one_edit_apart(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        differ = [index for index in range(len(a)) if a[index] != b[index]]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
    if abs(len(a) - len(b)) != 1:
        return False
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:index] + longer[index + 1:] == shorter for index in range(len(longer)))


def _known_codes() -> set:
    from .rules import ALL_RULES

    return {rule.CODE for rule in ALL_RULES} | {"RNN000"}


def did_you_mean_key(key: str) -> str:
    import difflib

    near = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
    return f"; did you mean {near[0]!r}?" if near else ""


def find_config(start: Path) -> Path | None:
    """The configuration file for ``start``: in the nearest folder that has one, the first of
    ``.rnnlint.toml``, ``rnnlint.toml`` and a ``pyproject.toml`` with a ``[tool.rnnlint]`` table."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in [current, *current.parents]:
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_section(candidate)):
                return candidate
    return None


find_pyproject = find_config  # the name the language server knows


def _has_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "rnnlint" not in text:
        return False  # no TOML parsing for the projects that do not configure rnnlint
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True  # it means to configure rnnlint: its error is reported, not skipped
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "rnnlint" in tool


def read_section(path: Path | None) -> tuple[dict, str]:
    """The settings table of a configuration file and the name errors give it."""
    if path is None:
        return {}, "configuration:"
    tomllib = _tomllib()
    shown = _shown(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None
    if path.name != "pyproject.toml":
        return data, f"{shown}:"
    tool = data.get("tool", {})
    section = tool.get("rnnlint", {}) if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        raise ConfigError(f"{shown}: [tool.rnnlint] must be a table")
    return section, f"{shown}: [tool.rnnlint]"


def _shown(path: Path) -> str:
    """A configuration file as errors name it: relative to the current folder when inside it
    (``sub/rnnlint.toml``: each folder may have its own), else by its name."""
    try:
        return Path(os.path.realpath(path)).relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.name


def parse_override(text: str) -> dict:
    """``--config KEY=VALUE``: one setting, its value in TOML (``select = ["RNN001"]``)."""
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"--config {text!r}: not a configuration file, and not KEY=VALUE in TOML ({error})") from None
    if len(data) != 1:
        raise ConfigError(f"--config {text!r}: give one KEY=VALUE setting a time")
    return data


def load_config(pyproject: Path | None, overrides: dict | None = None) -> Config:
    """Read a configuration file (``[tool.rnnlint]`` of a pyproject.toml, the top level of
    rnnlint.toml), with ``overrides`` (``--config KEY=VALUE``) on top; a bad file or key is a
    ConfigError with a one-line reason."""
    section, file_where = read_section(pyproject)
    overrides = overrides or {}
    section = {**section, **overrides}

    def where(key: str) -> str:
        return "--config:" if key in overrides else file_where

    for key in section:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{where(key)} unknown key {key!r}{did_you_mean_key(key)}")
    select = _string_list(section, "select", where) or ("RNN",)
    ignore = validate_codes(_string_list(section, "ignore", where), f"{where('ignore')} ignore", ignoring=True) + \
        validate_codes(_string_list(section, "extend-ignore", where), f"{where('extend-ignore')} extend-ignore",
                       ignoring=True)
    exclude = _string_list(section, "exclude", where) + _string_list(section, "extend-exclude", where)
    per_file_ignores = per_file_table(section.get("per-file-ignores", {}), f"{where('per-file-ignores')} "
                                      "per-file-ignores") + \
        per_file_table(section.get("extend-per-file-ignores", {}),
                       f"{where('extend-per-file-ignores')} extend-per-file-ignores")
    cache_dir = section.get("cache-dir")
    if cache_dir is not None and not isinstance(cache_dir, str):
        raise ConfigError(f"{where('cache-dir')} cache-dir must be a string")
    if cache_dir is not None and pyproject is not None and "cache-dir" not in overrides:
        cache_dir = str(pyproject.parent / cache_dir)
    return Config(
        select=validate_codes(select, f"{where('select')} select"),
        ignore=ignore,
        extend_select=validate_codes(_string_list(section, "extend-select", where),
                                     f"{where('extend-select')} extend-select"),
        exclude=tuple(DEFAULT_EXCLUDE) + exclude,
        per_file_ignores=per_file_ignores,
        unsafe_fixes=_flag(section, "unsafe-fixes", where, False),
        respect_gitignore=_flag(section, "respect-gitignore", where, True),
        force_exclude=_flag(section, "force-exclude", where, False),
        extend_include=_string_list(section, "extend-include", where),
        cache_dir=cache_dir,
    )


def per_file_table(table, where: str) -> tuple:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of glob = [codes]")
    pairs = []
    for pattern, codes in table.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{where}.{pattern!r} must be a list of codes")
        pairs.append((pattern, validate_codes(tuple(codes), where, ignoring=True)))
    return tuple(pairs)


def _flag(section: dict, key: str, where, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where(key)} {key} must be true or false")
    return value


def _string_list(section: dict, key: str, where) -> tuple:
    value = section.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where(key)} {key} must be a list of strings")
    return tuple(value)


class Hierarchy:
    """Each file's configuration, as ruff finds it: the nearest configuration file above the
    file (no inheritance from files further up), read once, with ``finish`` (the command line)
    layered over it. A file with no configuration file above it gets ``fallback``.

    ``for_folder(folder)`` is ``(config, root)``, root being the configuration file's folder."""

    def __init__(self, fallback: Config, fallback_root: Path, finish, known: dict | None = None) -> None:
        self._fallback = (fallback, fallback_root)
        self._finish = finish  # Path of a configuration file -> its Config with the command line over it
        self._nearest: dict = {}  # folder (resolved) -> configuration file (or None)
        self._given: dict = {}  # folder as the caller spells it -> configuration file (or None)
        # configuration file (resolved) -> (Config, root); ``known``: those already read
        self._loaded: dict = {Path(os.path.realpath(path)): (config, Path(os.path.realpath(path)).parent)
                              for path, config in (known or {}).items()}

    def _file_of(self, folder: str) -> Path | None:
        found = self._nearest.get(folder, False)
        if found is not False:
            return found
        found = None
        for name in CONFIG_FILES:
            candidate = Path(folder, name)  # folder is resolved: so is the path
            if candidate.is_file() and (name != "pyproject.toml" or _has_section(candidate)):
                found = candidate
                break
        if found is None:
            parent = os.path.dirname(folder)
            found = None if parent == folder else self._file_of(parent)
        self._nearest[folder] = found
        return found

    def for_folder(self, folder: Path) -> tuple[Config, Path]:
        given = str(folder)
        path = self._given.get(given, False)
        if path is False:
            path = self._given[given] = self._file_of(os.path.realpath(folder))
        return self._settings_of(path)

    def _settings_of(self, path: Path | None) -> tuple[Config, Path]:
        if path is None:
            return self._fallback
        loaded = self._loaded.get(path)
        if loaded is None:
            loaded = self._loaded[path] = (self._finish(path), path.parent)
        return loaded

    __call__ = for_folder  # what the runner asks of each folder (``RunOptions.config_for``)

    def for_walked(self, folder: str, resolved: str, files: frozenset | set) -> tuple[Config, Path]:
        """``for_folder`` of a folder a walk lists, without asking the file system again:
        ``folder`` as ``Path`` spells it, ``resolved`` its real path, ``files`` the names of
        the regular files in it (those of ``CONFIG_FILES`` are enough)."""
        path = self._given.get(folder, False)
        if path is False:
            path = self._nearest.get(resolved, False)
            if path is False:
                path = None
                for name in CONFIG_FILES:
                    if name in files and (name != "pyproject.toml" or _has_section(Path(resolved, name))):
                        path = Path(resolved, name)
                        break
                if path is None:
                    parent = os.path.dirname(resolved)
                    path = None if parent == resolved else self._file_of(parent)
                self._nearest[resolved] = path
            self._given[folder] = path
        return self._settings_of(path)

    def file_for(self, folder: Path) -> Path | None:
        """The configuration file the files of ``folder`` are checked with (None: the fallback)."""
        self.for_folder(folder)
        return self._given[str(folder)]
