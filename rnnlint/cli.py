"""The command line: ``rnnlint [check] PATH...``, ``rnnlint shapes PATH...``, ``rnnlint rule CODE``,
``rnnlint server``.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or unreadable input, or a file not
fully analysed (an internal error), 130 interrupted. ``--exit-zero``: 0 once the check has run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from ._config import Config, ConfigError, Hierarchy, load_config, validate_codes

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        raise UsageError(message)

    def _check_value(self, action, value):  # a misspelt choice names the nearest one
        if action.choices is not None and value not in action.choices:
            import difflib

            near = difflib.get_close_matches(value, [str(choice) for choice in action.choices], n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]}?" if near else f" (choose from {', '.join(map(str, action.choices))})"
            raise UsageError(f"{'/'.join(action.option_strings) or action.metavar}: invalid choice {value!r}{hint}")
        super()._check_value(action, value)


def main(argv: list | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _readable_streams()
    previous = _terminate_as_interrupt()
    try:
        parser = _check_parser()
        command, argv = _split_command(argv, parser)
        if command == "shapes":
            return _shapes_command(argv)
        if command == "rule":
            return _rule_command(argv)
        if command == "server":
            return _server_command(argv)
        return _check_command(argv, parser)
    except (UsageError, ConfigError) as error:
        _error(str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_ERROR
    finally:
        if previous is not None:
            import signal

            signal.signal(signal.SIGTERM, previous)


def entry() -> None:
    """The ``rnnlint`` program: ``main`` and exit. After Ctrl-C or SIGTERM the process ends at
    once with 130, leaving nothing to the interpreter's shutdown for a late signal to break."""
    status = main()
    import gc
    import signal

    # what the run built is left to the system at exit: the interpreter's last collections
    # would walk every object of it first (a tenth of a warm run), to free memory that is
    # given back anyway; files are closed and streams flushed as ever
    gc.freeze()

    # the run is over: a signal that comes now has nothing left to stop, and must not turn the
    # exit status into "killed by a signal"
    for name in ("SIGINT", "SIGTERM"):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if status == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(EXIT_INTERRUPTED)
    raise SystemExit(status)


def _readable_streams() -> None:
    """A file name that is not valid UTF-8 is printed with escapes, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
                reconfigure(errors="backslashreplace")


def _terminate_as_interrupt():
    """SIGTERM shuts down as Ctrl-C does: workers stopped, no file half written, exit 130.
    Returns the handler to put back, or None when none was set (not the main thread)."""
    import signal

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, OSError):  # ValueError: not the main thread (of the main interpreter)
        return None


def _error(message: str) -> None:
    print(f"rnnlint: error: {message}", file=sys.stderr)


COMMANDS = {
    "check": "check files and folders (the default: `rnnlint PATH` is `rnnlint check PATH`)",
    "shapes": "print the layers and the symbolic shape of each forward line",
    "rule": "print a rule's documentation (--all for every rule)",
    "server": "the language server for editors (needs the lsp extra)",
}
_USAGE = """rnnlint [check] [OPTIONS] [PATH ...]
       rnnlint shapes [--format text|json|html|mermaid] [-o FILE] PATH ...
       rnnlint rule [--all | --table] [--output-format text|json] [CODE]
       rnnlint server"""


def _check_parser() -> argparse.ArgumentParser:
    """The options of ``rnnlint check``; the README's options table is generated from it."""
    commands = "\n".join(f"  {name:<8} {text}" for name, text in COMMANDS.items())
    parser = _Parser(prog="rnnlint", usage=_USAGE, formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Find shape bugs around PyTorch RNN, LSTM and GRU modules.",
                     epilog=f"commands:\n{commands}\n\nOptions may come before the command: `rnnlint -q check .`.",
                     allow_abbrev=False)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders to check (default: .); - reads standard input")
    parser.add_argument("-V", "--version", action="version", version=f"rnnlint {__version__}",
                        help="print the version and exit")

    rules = parser.add_argument_group("rule selection")
    rules.add_argument("--select", metavar="CODES", action="append",
                       help="comma-separated codes or prefixes (`RNN00`) to report, instead of the configuration's "
                            "`select`; the more specific of select and ignore wins")
    rules.add_argument("--extend-select", metavar="CODES", action="append",
                       help="codes or prefixes to report besides the selected ones")
    rules.add_argument("--ignore", metavar="CODES", action="append",
                       help="codes or prefixes to skip, over the selection of the configuration and the "
                            "command line (RNN000, a file that cannot be read or parsed, cannot be ignored)")
    rules.add_argument("--extend-ignore", metavar="CODES", action="append", help="the same as `--ignore`")
    rules.add_argument("--per-file-ignores", metavar="GLOB:CODES", action="append",
                       help="codes to skip in the files a glob matches (`tests/*:RNN004`), instead of the "
                            "configuration's; repeatable")
    rules.add_argument("--extend-per-file-ignores", metavar="GLOB:CODES", action="append",
                       help="the same, besides the configuration's")

    fixes = parser.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true",
                       help="apply the safe fixes in place (atomically; a file is written only when it changes)")
    fixes.add_argument("--unsafe-fixes", action=argparse.BooleanOptionalAction, default=None,
                       help="also apply the fixes that may change meaning (default: the configuration's "
                            "`unsafe-fixes`)")
    fixes.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff on stdout and `Would fix N findings` on stderr; "
                            "change no file (exit 1 when there is a diff)")
    fixes.add_argument("--fix-only", action="store_true",
                       help="apply the fixes, and neither report nor exit 1 for the findings left")
    fixes.add_argument("--show-fixes", action="store_true",
                       help="list the findings fixed (or, with `--diff`, that would be), file by file")
    fixes.add_argument("--exit-non-zero-on-fix", action="store_true",
                       help="exit 1 when a fix was applied, even if no finding is left")
    fixes.add_argument("--add-noqa", action="store_true",
                       help="add `# noqa: CODE` to every line with a finding (to adopt rnnlint on existing code)")

    files = parser.add_argument_group("files")
    files.add_argument("--exclude", metavar="PATTERNS", action="append",
                       help="comma-separated file or folder patterns folder walks leave out, instead of the "
                            "configuration's `exclude` (virtual environments, `build`, `__pycache__` and the like "
                            "are always left out)")
    files.add_argument("--extend-exclude", metavar="PATTERNS", action="append",
                       help="patterns to leave out besides the configuration's")
    files.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                       help="leave out of folder walks what the `.gitignore` files of the git repository leave "
                            "out (default: on)")
    files.add_argument("--force-exclude", action=argparse.BooleanOptionalAction, default=None,
                       help="apply the exclusions (and `.gitignore`) to paths named on the command line and to "
                            "`--stdin-filename` too, as pre-commit and editors need (default: off)")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="check standard input, reported under this name (for editors); with `--fix`, the "
                            "fixed code goes to stdout")
    files.add_argument("--show-files", action="store_true", help="print the files that would be checked, and exit")

    settings = parser.add_argument_group("configuration")
    settings.add_argument("--config", metavar="FILE|KEY=VALUE", action="append",
                          help="a configuration file to read for every file instead of the nearest one above each, "
                               "or one setting over "
                               "the file's, its value in TOML (`--config \"ignore = ['RNN009']\"`); repeatable")
    settings.add_argument("--isolated", action="store_true", help="read no configuration file (the defaults and "
                          "the command line for every file)")
    settings.add_argument("--show-settings", action="store_true",
                          help="print the settings the first file is checked with (its nearest configuration "
                               "file's), and exit")

    output = parser.add_argument_group("output")
    from ._render import FORMAT_NAMES

    output.add_argument("--output-format", choices=FORMAT_NAMES, default="concise", metavar="FORMAT",
                        help=f"how findings are printed: {', '.join(FORMAT_NAMES)} (text is concise)")
    output.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    output.add_argument("--statistics", action="store_true",
                        help="print the number of findings of each code instead of the findings: a table, or "
                             "JSON with `--output-format json` or `json-lines` (the other formats are an error)")
    output.add_argument("--exit-zero", action="store_true",
                        help="exit 0 once the check has run, whatever it found (a usage or configuration error "
                             "still exits 2)")
    output.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    output.add_argument("--silent", "-s", action="store_true",
                        help="print no finding, summary or warning: the exit status says it all (errors are "
                             "still printed)")

    speed = parser.add_argument_group("speed")
    speed.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                       help="worker processes (default: the number of cores; a run with less than about 150 kB "
                            "of code to analyse stays in one process); the output order never changes")
    speed.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    speed.add_argument("--cache-dir", metavar="DIR",
                       help="the cache folder (default: `.rnnlint_cache` in the project root, the folder of the "
                            "configuration file; results are keyed by content, version and configuration, and by "
                            "the project files they were computed from: editing `config.py` re-checks the model "
                            "that imports it)")
    return parser


def options_table(parser: argparse.ArgumentParser | None = None) -> str:
    """The README's table of ``rnnlint check`` options, one row an option, from the parser."""
    parser = parser or _check_parser()
    lines = ["| option | meaning |", "| --- | --- |"]
    for group in parser._action_groups:
        rows = []
        for action in group._group_actions:
            if not action.option_strings or action.dest == "help":
                continue
            if action.choices and not action.metavar:
                flags = [f"`{action.option_strings[0]} {'|'.join(action.choices)}`"]
            elif action.nargs == 0 or isinstance(action, argparse.BooleanOptionalAction):
                flags = [f"`{flag}`" for flag in action.option_strings]
            else:
                flags = [f"`{flag} {action.metavar or action.dest.upper()}`" for flag in action.option_strings]
            cells = (", ".join(flags), action.help or "")
            rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        if rows and group.title not in ("options", "optional arguments"):
            lines.append(f"| **{group.title}** | |")
        lines.extend(rows)
    return "\n".join(lines)


def _split_command(argv: list, parser: argparse.ArgumentParser) -> tuple[str, list]:
    """The command and its arguments: options before the command go to it (`rnnlint -q check .`)."""
    takes_value = {flag for action in parser._actions for flag in action.option_strings if action.nargs != 0
                   and not isinstance(action, argparse.BooleanOptionalAction)}
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            break
        if token.startswith("-") and token != "-":
            index += 2 if token in takes_value else 1
            continue
        if token in COMMANDS:
            return token, argv[:index] + argv[index + 1:]
        # `rnnlint shape --format json m.py`: name the command before its options are rejected
        _misspelt_command(token)
        break
    return "check", argv


def _parse(parser: argparse.ArgumentParser, argv: list, intermixed: bool = False):
    """Parsed arguments; an unknown option is one line, with the nearest known one."""
    if intermixed:
        args, extra = parser.parse_known_intermixed_args(argv)
    else:
        args, extra = parser.parse_known_args(argv)
    if extra:
        import difflib

        unknown = next((item for item in extra if item.startswith("-") and item != "-"), None)
        if unknown is None:
            raise UsageError(f"unrecognized arguments: {' '.join(extra)}")
        flag = unknown.split("=", 1)[0]
        known = [option for action in parser._actions for option in action.option_strings]
        near = difflib.get_close_matches(flag, known, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]}?" if near else f" (see `{parser.prog} --help`)"
        raise UsageError(f"unrecognized option {flag}{hint}")
    return args


def _codes(values: list | None, where: str, ignoring: bool = False) -> tuple | None:
    if values is None:
        return None
    if any(not text.replace(",", "").strip() for text in values):
        # `--select ""` would select nothing: a silent no-op, as ruff refuses it too
        raise ConfigError(f"{where}: no rule code given")
    codes = tuple(code.strip().upper() for text in values for code in text.split(",") if code.strip())
    return validate_codes(codes, where, ignoring=ignoring)


def _patterns(values: list) -> tuple:
    return tuple(pattern.strip() for text in values for pattern in text.split(",") if pattern.strip())


def _per_file(values: list | None, where: str) -> tuple | None:
    if values is None:
        return None
    pairs = []
    for value in values:
        pattern, colon, codes = value.rpartition(":")
        if not colon or not pattern or not codes.strip():
            raise UsageError(f"{where}: give GLOB:CODES, such as tests/*:RNN004 (got {value!r})")
        pairs.append((pattern, _codes([codes], where, ignoring=True)))
    return tuple(pairs)


@dataclass(frozen=True)
class Settings:
    config: Config  # the first path's (and that of files with no configuration file above them)
    path: Path | None  # the configuration file read, if any
    root: Path  # the project root: the configuration file's folder, else the current folder
    # each file's own configuration (the nearest file above it), unless `--config FILE` or
    # `--isolated` chose one for every file
    hierarchy: Hierarchy | None = None

    def for_file(self, path: Path) -> tuple[Config, Path]:
        """The configuration a file is checked with, and its project root."""
        if self.hierarchy is None:
            return self.config, self.root
        return self.hierarchy.for_folder(Path(path).absolute().parent)


def _settings(args) -> Settings:
    """The configuration: the file (found, or `--config FILE`), `--config KEY=VALUE` over it, then
    the command line's flags over both, as ruff layers them. Without `--config FILE` or
    `--isolated`, each file is checked with the nearest configuration file above it, the command
    line over it, as ruff does."""
    from ._config import find_config, parse_override

    named, overrides = None, {}
    for item in getattr(args, "config", None) or []:
        if Path(item).is_file():
            if named is not None:
                raise UsageError(f"--config: give one configuration file (got {named} and {item})")
            named = Path(item)
        elif "=" in item:
            overrides.update(parse_override(item))
        else:
            raise UsageError(f"--config {item}: no such file, and not a KEY=VALUE setting")
    isolated = getattr(args, "isolated", False)
    if isolated and named is not None:
        raise UsageError("--isolated reads no configuration file: leave out --config FILE")
    if named is not None:
        path = named
    elif isolated:
        path = None
    else:
        path = find_config(_search_start(args))
    config = _with_flags(args, load_config(path, overrides))
    root = path.resolve().parent if path is not None else Path.cwd()
    hierarchy = None
    if named is None and not isolated:
        hierarchy = Hierarchy(config, root, lambda found: _with_flags(args, load_config(found, overrides)),
                              known={path: config} if path is not None else None)
    return Settings(config, path, root, hierarchy)


def _with_flags(args, config: Config) -> Config:
    """The command line's flags over a configuration file's settings."""
    from dataclasses import replace

    from ._config import DEFAULT_EXCLUDE

    if not config.exclude:
        config = replace(config, exclude=DEFAULT_EXCLUDE)
    if not hasattr(args, "select"):  # `shapes`: the file's selection as it is
        return config
    select = _codes(args.select, "--select")
    extend_select = _codes(args.extend_select, "--extend-select") or ()
    ignore = (_codes(args.ignore, "--ignore", ignoring=True) or ()) + \
        (_codes(args.extend_ignore, "--extend-ignore", ignoring=True) or ())
    if select is not None or extend_select or ignore:
        config = replace(config, overrides=config.overrides + ((select, extend_select, ignore),))
    if args.exclude is not None:
        config = replace(config, exclude=DEFAULT_EXCLUDE + _patterns(args.exclude))
    if args.extend_exclude is not None:
        config = replace(config, exclude=config.exclude + _patterns(args.extend_exclude))
    per_file = _per_file(args.per_file_ignores, "--per-file-ignores")
    if per_file is not None:
        config = replace(config, per_file_ignores=per_file)
    extend_per_file = _per_file(args.extend_per_file_ignores, "--extend-per-file-ignores")
    if extend_per_file is not None:
        config = replace(config, per_file_ignores=config.per_file_ignores + extend_per_file)
    for flag, key in (("respect_gitignore", "respect_gitignore"), ("force_exclude", "force_exclude"),
                      ("unsafe_fixes", "unsafe_fixes")):
        if getattr(args, flag) is not None:
            config = replace(config, **{key: getattr(args, flag)})
    return config


def _config_for(settings: Settings):
    """What the runner asks each folder's configuration of (None: one for every file)."""
    return settings.hierarchy  # a Hierarchy answers a folder (and tells a walk what its listing shows)


def _search_start(args) -> Path:
    paths = args.paths or []
    if paths and paths[0] != "-" and Path(paths[0]).exists():
        return Path(paths[0])
    stdin_name = getattr(args, "stdin_filename", None)
    if stdin_name and Path(stdin_name).absolute().parent.exists():
        return Path(stdin_name).absolute().parent
    return Path.cwd()


def _cache_dir(args, settings: Settings) -> Path | None:
    if args.no_cache:
        return None
    if args.cache_dir:
        return Path(args.cache_dir)
    if os.environ.get("RNNLINT_CACHE_DIR"):
        return Path(os.environ["RNNLINT_CACHE_DIR"])
    if settings.config.cache_dir:
        return Path(settings.config.cache_dir)
    return settings.root / ".rnnlint_cache"


def _check_command(argv: list, parser: argparse.ArgumentParser | None = None) -> int:
    args = _parse(parser or _check_parser(), argv, intermixed=True)
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.diff:  # the fixes are shown, never applied: --diff over --fix, as in ruff
        args.fix = args.fix_only = False
    elif args.fix_only:
        args.fix = True
    if args.statistics and args.output_format not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics prints a table (concise, text, full) or JSON (json, json-lines), not "
                         f"{args.output_format}: leave out one of them")
    settings = _settings(args)
    config = settings.config
    if args.stdin_filename is not None and args.paths and args.paths != ["-"]:
        raise UsageError("--stdin-filename names the code read from standard input: give no path besides -")
    if args.paths == ["-"] or args.stdin_filename is not None:
        if sys.stdin is None:
            raise UsageError("standard input is closed: there is no code to read from it")
        if args.stdin_filename is not None and not args.paths and sys.stdin.isatty():
            raise UsageError("--stdin-filename reads standard input, which is a terminal: pipe the code in, "
                             "or give - as the path to type it")
        if args.show_settings:
            return _show_settings(args, settings, [Path(args.stdin_filename or "-")])
        if args.add_noqa:
            raise UsageError("--add-noqa writes files; it cannot read standard input")
        return _check_stdin(args, settings)
    paths = args.paths or ["."]
    _misspelt_command(paths[0])
    from ._runner import PathError, RunOptions, discover, run

    if args.show_files or args.show_settings:
        try:
            files = discover(paths, config, settings.root, _config_for(settings))
        except PathError as error:
            raise UsageError(str(error)) from None
        if args.show_settings:
            return _show_settings(args, settings, files or [Path(paths[0])])
        if not files:
            _warn(args, "No Python files found")
        print("\n".join(str(path.absolute()) for path in files) if files else "", end="\n" if files else "")
        return EXIT_CLEAN
    if args.add_noqa and (args.fix or args.diff):
        raise UsageError("--add-noqa cannot be used with --fix or --diff")
    options = RunOptions(fix=args.fix, unsafe_fixes=config.unsafe_fixes, diff=args.diff, jobs=args.jobs,
                         cache_dir=_cache_dir(args, settings), root=settings.root, config_for=_config_for(settings),
                         process_ends=True)
    try:
        result = run(paths, config, options)
    except PathError as error:
        raise UsageError(str(error)) from None
    if args.add_noqa:
        return _add_noqa(args, result)
    for warning in result.warnings:
        _warn(args, warning)
    for message in result.errors:
        _error(message)
    if not result.files:
        _warn(args, "No Python files found")
    if args.diff:
        return _report_diff(args, "".join(result.diffs), result.findings, result.fixed_findings,
                            incomplete=result.incomplete, files=result.files)
    return _report(args, result.findings, result.sources, files=result.files, fixed=result.fixed_findings,
                   incomplete=result.incomplete)


def _misspelt_command(path: str) -> None:
    """`rnnlint shape model.py`: a path that does not exist but is a command's name, misspelt."""
    if os.path.lexists(path):
        return
    import difflib

    near = difflib.get_close_matches(path, list(COMMANDS), n=1, cutoff=0.7)
    if near:
        raise UsageError(f"{path}: no such file or directory; did you mean the command `rnnlint {near[0]}`?")


def _warn(args, message: str) -> None:
    if not args.silent:
        print(f"rnnlint: warning: {message}", file=sys.stderr)


def _report(args, findings: list, sources: dict, files: int, fixed: list, incomplete: int = 0) -> int:
    """Findings (or their statistics) and the summary, to stdout or ``--output-file``; the exit status."""
    from . import _render

    shown = [finding for finding in findings if finding.code == "RNN000"] if args.fix_only else findings
    parts = []
    if not args.silent:
        rendered = _statistics(args, shown) if args.statistics else _render_findings(args, shown, sources)
        if rendered:
            parts.append(rendered)
        # no file at all: the warning on stderr is the one line to read, as in ruff
        if not args.quiet and args.output_format in _render.HUMAN_FORMATS and (files or findings or fixed):
            if args.fix_only:
                parts.append(_fixed_line(len(fixed), "Fixed") if fixed else "No findings fixed.")
            else:
                parts.append(_render.summary(findings, files, len(fixed), incomplete=incomplete))
            if args.show_fixes and fixed:
                parts.append(_fixes_list(fixed, "Fixed"))
    _emit(args, "\n".join(parts))
    if args.fix_only and not args.exit_zero and not incomplete and not shown:
        return EXIT_FINDINGS if args.exit_non_zero_on_fix and fixed else EXIT_CLEAN
    status = _exit_code(shown, args, incomplete=incomplete)
    if status == EXIT_CLEAN and args.exit_non_zero_on_fix and fixed and not args.exit_zero:
        return EXIT_FINDINGS
    return status


def _report_diff(args, diff: str, findings: list, fixed: list, incomplete: int = 0, files: int = 1) -> int:
    """``--diff``: the diff alone on stdout; what would be fixed, and the files that could not be
    read, on stderr."""
    if diff:
        sys.stdout.write(diff)
        sys.stdout.flush()
    from . import _render

    for finding in findings:
        if finding.code == "RNN000":  # a file not checked is never silent
            print(_render.text([finding]), file=sys.stderr)
    if not args.quiet and not args.silent and (files or findings or fixed):  # no file: the warning says it
        print(_fixed_line(len(fixed), "Would fix") if fixed else "No fixes available.", file=sys.stderr)
        if args.show_fixes and fixed:
            print(_fixes_list(fixed, "Would fix"), file=sys.stderr)
    if args.exit_zero:
        return EXIT_CLEAN
    if incomplete or any(finding.code == "RNN000" for finding in findings):
        return EXIT_ERROR
    return EXIT_FINDINGS if diff else EXIT_CLEAN


def _fixed_line(count: int, verb: str) -> str:
    return f"{verb} {count} finding{'s' if count != 1 else ''}."


def _fixes_list(fixed: list, verb: str) -> str:
    """The findings fixed, by file and code: ``- model.py:`` then ``    1 x RNN001 (head-features-mismatch)``."""
    from collections import Counter

    lines = [f"{verb} {len(fixed)} finding{'s' if len(fixed) != 1 else ''}:"]
    by_file: dict = {}
    for finding in fixed:
        by_file.setdefault(finding.path, Counter())[(finding.code, finding.name)] += 1
    for path in sorted(by_file):
        lines.append(f"- {path}:")
        for (code, name), count in sorted(by_file[path].items()):
            lines.append(f"    {count} x {code} ({name})")
    return "\n".join(lines)


# --statistics is a table for a person or JSON for a program: a count of codes is no SARIF,
# JUnit, GitLab, pylint or GitHub report, and printing a table in their place would feed a
# tool that expects one of those something it cannot read
STATISTICS_FORMATS = ("concise", "text", "full", "json", "json-lines")


def _statistics(args, findings: list) -> str:
    """``--statistics``: one line a code, most frequent first: count, code, `[*]` when every one
    has a safe fix, the rule's name."""
    counts: dict = {}
    for finding in findings:
        entry = counts.setdefault(finding.code, [0, finding.name, True])
        entry[0] += 1
        entry[2] = entry[2] and finding.fix is not None and finding.fix.safe
    rows = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    if args.output_format in ("json", "json-lines"):
        import json

        records = [{"code": code, "name": name, "count": count, "fixable": fixable}
                   for code, (count, name, fixable) in rows]
        if args.output_format == "json-lines":
            return "\n".join(json.dumps(record) for record in records)
        return json.dumps(records, indent=2)
    width = max((len(str(count)) for _, (count, _, _) in rows), default=1)
    return "\n".join(f"{count:>{width}}\t{code}\t{'[*] ' if fixable else ''}{name}"
                     for code, (count, name, fixable) in rows)


def _emit(args, text: str) -> None:
    """The report, to ``--output-file`` or stdout."""
    if args.output_file:
        try:
            Path(args.output_file).write_text(text + "\n" if text else "", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{args.output_file}: {error.strerror or error}") from None
    elif text:
        print(text)


def _show_settings(args, settings: Settings, files: list) -> int:
    """``--show-settings``: where the settings come from, and what they are."""
    import json

    from .rules import ALL_RULES

    first = str(files[0]) if files else "."
    cache = _cache_dir(args, settings)  # one cache for the run, at the first path's root
    if settings.hierarchy is not None:  # the first file's own configuration file
        target = Path(first).absolute()
        folder = target if target.is_dir() else target.parent
        found = settings.hierarchy.file_for(folder)
        if found is not None:
            config, root = settings.hierarchy.for_folder(folder)
            settings = Settings(config, found, root, settings.hierarchy)
    config = settings.config
    enabled = [rule.CODE for rule in ALL_RULES if config.is_selected(rule.CODE, first)]

    def toml(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        f"Settings for: {first}",
        f"Settings file: {settings.path.resolve() if settings.path else 'none (the defaults)'}",
        f"Project root: {settings.root}",
        f"Cache folder: {cache.absolute() if cache else 'none (--no-cache)'}",
        f"Enabled rules: {', '.join(enabled) or 'none'} (RNN000 always)",
        f"select = {toml(list(config.select))}",
        f"extend-select = {toml(list(config.extend_select))}",
        f"ignore = {toml(list(config.ignore))}",
    ]
    for select, extend_select, ignore in config.overrides:
        parts = [f"select = {toml(list(select))}"] if select is not None else []
        parts += [f"extend-select = {toml(list(extend_select))}"] if extend_select else []
        parts += [f"ignore = {toml(list(ignore))}"] if ignore else []
        lines.append("command line: " + "; ".join(parts))
    from ._config import DEFAULT_EXCLUDE

    lines += [
        f"exclude = {toml([pattern for pattern in config.exclude if pattern not in DEFAULT_EXCLUDE])} "
        f"(besides {', '.join(DEFAULT_EXCLUDE)})",
        f"extend-include = {toml(list(config.extend_include))}",
        f"per-file-ignores = {toml({pattern: list(codes) for pattern, codes in config.per_file_ignores})}",
        f"respect-gitignore = {toml(config.respect_gitignore)}",
        f"force-exclude = {toml(config.force_exclude)}",
        f"unsafe-fixes = {toml(config.unsafe_fixes)}",
    ]
    print("\n".join(lines))
    return EXIT_CLEAN


def _add_noqa(args, result) -> int:
    """``--add-noqa``: suppress every finding where it is; exit 0 unless a file could not be read."""
    from ._noqa import add_noqa_to_files

    for error in result.errors:
        _error(error)
    added, warnings = add_noqa_to_files(result.findings)
    for warning in result.warnings + warnings:
        _warn(args, warning)
    for finding in result.findings:
        if finding.code == "RNN000":
            print(f"rnnlint: warning: {finding.path}: {finding.message}; no noqa added", file=sys.stderr)
    if not args.quiet:
        print(f"Added {added} noqa directive{'s' if added != 1 else ''}.", file=sys.stderr)
    unread = any(finding.code == "RNN000" for finding in result.findings)
    return EXIT_ERROR if (unread or result.incomplete) and not args.exit_zero else EXIT_CLEAN


def _check_stdin(args, settings: Settings) -> int:
    from ._engine import FileResult, check_source, internal_error
    from ._reading import decode_source, encode_like

    config = settings.config
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
    name = args.stdin_filename or "-"
    if args.stdin_filename and config.force_exclude:
        from ._runner import is_force_excluded

        if is_force_excluded(Path(name), config, settings.root):
            if args.fix:
                _write_bytes(data)  # an editor replaces the text with what comes back: the same
            return EXIT_CLEAN
    fixing = args.fix or args.diff
    if name.endswith(".ipynb"):
        source, problem = decode_source(data, name, prefilter=False)
        if problem is not None:
            raise UsageError(f"{name}: {problem.message}")
        assert source is not None  # decoded, since no problem
        return _check_stdin_notebook(args, config, source, name)
    # the same reading as a file's: BOM, coding cookie, and no error for code that cannot matter
    source, problem = decode_source(data, name)
    if problem is not None:
        file_result = FileResult(name, findings=[problem])
    else:
        assert source is not None  # decoded, since no problem
        try:
            from ._project import project_for

            # the file's path anchors its project: its imports are read from disk
            project = project_for(Path(name).resolve()) if args.stdin_filename else None
            file_result = check_source(source, name, config, fix=fixing, unsafe_fixes=config.unsafe_fixes,
                                       project=project)
        except Exception as error:  # noqa: BLE001 - one line, never a traceback
            file_result = FileResult(name, errors=[internal_error(name, "the engine", error)])
    for warning in file_result.warnings:
        _warn(args, warning)
    for message in file_result.errors:
        _error(message)
    incomplete = int(bool(file_result.errors))
    fixed = file_result.fixed if file_result.fixed_source is not None else []
    if args.diff:
        import difflib

        diff = ""
        if file_result.fixed_source is not None and source is not None:
            diff = "".join(difflib.unified_diff(source.splitlines(keepends=True),
                                                file_result.fixed_source.splitlines(keepends=True),
                                                fromfile=f"a/{name}", tofile=f"b/{name}"))
        return _report_diff(args, diff, file_result.findings, fixed, incomplete=incomplete)
    if args.fix:
        new = encode_like(file_result.fixed_source, data) if file_result.fixed_source is not None else None
        _write_bytes(new if new is not None else data)
        # the fixed code is on stdout: the report goes to stderr (or --output-file)
        return _report_stdin(args, file_result.findings, {name: source or ""}, fixed, incomplete, sys.stderr)
    return _report_stdin(args, file_result.findings, {name: source or ""}, [], incomplete, sys.stdout)


def _report_stdin(args, findings: list, sources: dict, fixed: list, incomplete: int, stream) -> int:
    shown = [finding for finding in findings if finding.code == "RNN000"] if args.fix_only else findings
    if not args.silent:
        rendered = _statistics(args, shown) if args.statistics else _render_findings(args, shown, sources, stream)
        if args.show_fixes and fixed and not args.quiet:
            rendered = "\n".join(part for part in (rendered, _fixes_list(fixed, "Fixed")) if part)
        if args.output_file:
            _emit(args, rendered)
        elif rendered:
            print(rendered, file=stream)
    if args.fix_only and not args.exit_zero and not incomplete and not shown:
        return EXIT_FINDINGS if args.exit_non_zero_on_fix and fixed else EXIT_CLEAN
    status = _exit_code(shown, args, incomplete=incomplete)
    if status == EXIT_CLEAN and args.exit_non_zero_on_fix and fixed and not args.exit_zero:
        return EXIT_FINDINGS
    return status


def _write_bytes(data: bytes) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8", "surrogateescape"))


def _check_stdin_notebook(args, config: Config, source: str, name: str) -> int:
    """A notebook's JSON on stdin; with ``--fix`` the fixed notebook goes to stdout."""
    from ._notebook import NotebookError, check_notebook

    try:
        findings, fixed, warnings = check_notebook(source, name, config, fix=args.fix or args.diff,
                                                   unsafe_fixes=config.unsafe_fixes)
    except NotebookError as error:
        raise UsageError(f"{name}: {error}") from None
    for warning in warnings:
        _warn(args, warning)
    resolved: list = []
    if fixed is not None:
        from ._engine import _resolved

        resolved = _resolved(check_notebook(source, name, config)[0], findings)
    if args.diff:
        from ._notebook import cell_diffs, read_notebook

        before = read_notebook(source, name)
        after = {cell.number: cell.text for cell in read_notebook(fixed, name).cells} if fixed is not None else {}
        diff = cell_diffs(before, {number: text for number, text in after.items()
                                   if text != next(c.text for c in before.cells if c.number == number)})
        return _report_diff(args, diff, findings, resolved)
    if args.fix:
        sys.stdout.write(fixed if fixed is not None else source)
        return _report_stdin(args, findings, {}, resolved, 0, sys.stderr)
    return _report_stdin(args, findings, {}, [], 0, sys.stdout)


def _render_findings(args, findings: list, sources: dict, stream=None) -> str:
    """The findings in the chosen format; coloured only for the terminal they are printed on,
    never in ``--output-file``."""
    from . import _render

    colour = not args.output_file and _render.use_colour(stream or sys.stdout)
    return _render.render(args.output_format, findings, sources, colour=colour)


def _exit_code(findings: list, args, diffs: bool = False, incomplete: int = 0) -> int:
    if args.exit_zero:
        return EXIT_CLEAN  # the check ran: what it found is on stdout and stderr
    if incomplete or any(finding.code == "RNN000" for finding in findings):
        return EXIT_ERROR  # the run is incomplete: some file was not (fully) checked
    return EXIT_FINDINGS if findings or diffs else EXIT_CLEAN


# --- rnnlint shapes ----------------------------------------------------------------------------


def _shapes_command(argv: list) -> int:
    parser = _Parser(prog="rnnlint shapes", description="Show the layers and the symbolic shapes rnnlint infers.")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files, or folders walked as `rnnlint check` walks them")
    parser.add_argument("--format", choices=("text", "json", "html", "mermaid"), default="text",
                        help="text (default); json (docs/shapes-json.md); html: a page with a picture per "
                             "recurrent layer; mermaid: Markdown with a flowchart per class")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    _global_options(parser)
    args = _parse(parser, argv)
    from ._engine import internal_error
    from ._reading import file_kind
    from ._runner import PathError, discover, read_source

    settings = _settings(args)
    config = settings.config
    files: list[tuple[Path, bool]] = []
    for name in args.paths:
        path = Path(name)
        kind = file_kind(path)
        if kind == "a directory":
            try:
                files.extend((found, False) for found in discover([name], config, settings.root,
                                                                  _config_for(settings)))
            except PathError as problem:
                raise UsageError(str(problem)) from None
        elif kind is None:
            files.append((path, True))
        elif kind.startswith("a "):  # only regular files are read: a named pipe would block
            raise UsageError(f"{name}: not a regular file ({kind[2:]}); only regular files are read")
        else:  # the system's words: "no such file or directory", "too many levels of symbolic links"
            raise UsageError(f"{name}: {kind[:1].lower() + kind[1:]}")
    status = EXIT_CLEAN
    texts, datas = [], []
    for path, named in files:
        # a file named explicitly is read whatever it contains; a folder's as `check` reads them
        source, error, _ = read_source(path, prefilter=not named)
        if error is not None:
            _error(f"{path}: {error.message}")
            status = EXIT_ERROR
            continue
        assert source is not None  # read, since no error
        if path.suffix == ".ipynb":  # a notebook's code cells, as one program
            from ._notebook import NotebookError, notebook_text

            try:
                source = notebook_text(source, str(path))
            except NotebookError as problem:
                _error(f"{path}: {problem}")
                status = EXIT_ERROR
                continue
        if not named:
            from ._engine import needs_analysis

            if not needs_analysis(source):
                continue  # a folder's files without recurrent code, as `rnnlint check` skips them
        if args.format == "text":
            try:
                report = _shapes_text(source, str(path))
            except Exception as failure:  # noqa: BLE001 - one line, never a traceback
                _error(internal_error(str(path), "shapes", failure))
                report = None
            if report is None:
                status = EXIT_ERROR
            else:
                texts.append(report)
            continue
        from ._shapes_report import shapes_data

        try:
            data = shapes_data(source, str(path), settings.for_file(path)[0])
        except Exception as failure:  # noqa: BLE001 - one line, never a traceback
            _error(internal_error(str(path), "shapes", failure))
            status = EXIT_ERROR
            continue
        if data["error"] is not None:
            _error(f"{path}: {data['error']['message']} at line {data['error']['location']['row']}")
            status = EXIT_ERROR
        datas.append(data)
    if not texts and not datas and status == EXIT_CLEAN:
        print("rnnlint: warning: no file uses nn.RNN, nn.LSTM or nn.GRU", file=sys.stderr)
    if args.format == "text":
        output = "\n\n".join(texts)
    elif args.format == "json":
        import json

        from ._shapes_report import SCHEMA_VERSION

        output = json.dumps({"version": SCHEMA_VERSION, "files": datas}, indent=2)
    elif args.format == "html":
        from ._shapes_picture import html_page

        output = html_page(datas, title="rnnlint shapes: " + ", ".join(args.paths)).rstrip("\n")
    else:
        from ._shapes_picture import mermaid

        output = mermaid(datas)
    if args.output:
        try:
            Path(args.output).write_text(output + "\n", encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{args.output}: {error.strerror}") from None
    elif output:
        print(output)
    return status


def _shapes_text(source: str, name: str) -> str | None:
    from ._shapes_report import shapes_report

    report = shapes_report(source, name)
    if report.startswith("error:"):
        _error(f"{name}: {report[len('error: '):]}")
        return None
    return report


# --- rnnlint server ----------------------------------------------------------------------------


def _server_command(argv: list) -> int:
    parser = _Parser(prog="rnnlint server", description="Run the language server (LSP) over stdin and stdout.")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin and stdout (the default and only way)")
    _global_options(parser)
    _parse(parser, argv)
    try:
        from ._server import serve
    except ImportError as error:
        raise UsageError(f"rnnlint server needs the lsp extra: pip install 'rnnlint[lsp]' ({error})") from None
    serve()
    return EXIT_CLEAN


# --- rnnlint rule ------------------------------------------------------------------------------


def _rule_command(argv: list) -> int:
    parser = _Parser(prog="rnnlint rule", description="Print the documentation of a rule.", allow_abbrev=False)
    parser.add_argument("rule", nargs="?", metavar="CODE", help="a rule code (RNN001) or name (head-features-mismatch)")
    parser.add_argument("--all", action="store_true", help="print every rule's documentation")
    parser.add_argument("--table", action="store_true", help="print the Markdown table of rules used in the README")
    parser.add_argument("--output-format", choices=("text", "json"), default="text",
                        help="text: the documentation in Markdown; json: one object a rule")
    _global_options(parser)
    args = _parse(parser, argv)
    from .rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME
    from .rules._docs import rule_doc, rules_json, rules_table

    given = [option for option, chosen in (("CODE", args.rule), ("--all", args.all), ("--table", args.table)) if chosen]
    if len(given) > 1:
        raise UsageError(f"rnnlint rule: {' and '.join(given)} cannot be used together")
    if args.table:
        if args.output_format != "text":
            raise UsageError("rnnlint rule: --table prints Markdown; --output-format json goes with CODE or --all")
        print(rules_table())
        return EXIT_CLEAN
    if args.all:
        chosen = list(ALL_RULES)
    elif not args.rule:
        raise UsageError("rnnlint rule: give a rule code, --all or --table")
    else:
        rule = RULES_BY_CODE.get(args.rule.upper()) or RULES_BY_NAME.get(args.rule.lower())
        if rule is None and args.rule.upper() == "RNN000":
            raise UsageError("RNN000 is no rule: it reports a file that could not be read, decoded or parsed, "
                             "and its message says why (see `rnnlint rule --all` for the rules)")
        if rule is None:
            from ._config import _did_you_mean

            hint = _did_you_mean(args.rule, rules_only=True) or " (see `rnnlint rule --all`)"
            raise UsageError(f"unknown rule {args.rule!r}{hint}")
        chosen = [rule]
    if args.output_format == "json":
        print(rules_json(chosen if args.all else chosen[0]))
        return EXIT_CLEAN
    print("\n\n".join(rule_doc(rule) for rule in chosen))
    return EXIT_CLEAN


def _global_options(parser: argparse.ArgumentParser) -> None:
    """The options every command takes, before or after its name (`rnnlint -q rule --all`)."""
    group = parser.add_argument_group("global options")
    group.add_argument("--config", metavar="FILE|KEY=VALUE", action="append",
                       help="a configuration file, or one setting over it (as `rnnlint check` reads them)")
    group.add_argument("--isolated", action="store_true", help="read no configuration file")
    group.add_argument("--quiet", "-q", action="store_true", help="print less")
    group.add_argument("--silent", "-s", action="store_true", help="print no warning")


if __name__ == "__main__":
    raise SystemExit(main())
