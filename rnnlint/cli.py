"""The command line: ``rnnlint [check] PATH...``, ``rnnlint shapes PATH...``, ``rnnlint rule CODE``,
``rnnlint server``.

Exit codes: 0 clean, 1 findings, 2 usage, configuration or unreadable input, or a file not
fully analysed (an internal error), 130 interrupted. ``--exit-zero``: 0 once the check has run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from ._config import Config, ConfigError, find_pyproject, load_config, validate_codes

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        raise UsageError(message)


def main(argv: list | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _readable_streams()
    previous = _terminate_as_interrupt()
    try:
        if argv and argv[0] == "shapes":
            return _shapes_command(argv[1:])
        if argv and argv[0] == "rule":
            return _rule_command(argv[1:])
        if argv and argv[0] == "server":
            return _server_command(argv[1:])
        if argv and argv[0] == "check":
            argv = argv[1:]
        return _check_command(argv)
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
    import signal

    # the run is over: a signal that comes now has nothing left to stop, and must not turn the
    # exit status into "killed by a signal"
    for name in ("SIGINT", "SIGTERM"):
        try:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        except (AttributeError, ValueError, OSError):
            pass
    if status == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(EXIT_INTERRUPTED)
    raise SystemExit(status)


def _readable_streams() -> None:
    """A file name that is not valid UTF-8 is printed with escapes, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


def _terminate_as_interrupt():
    """SIGTERM shuts down as Ctrl-C does: workers stopped, no file half written, exit 130.
    Returns the handler to put back, or None when none was set (not the main thread)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except (ValueError, OSError):
        return None


def _error(message: str) -> None:
    print(f"rnnlint: error: {message}", file=sys.stderr)


def _check_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rnnlint", description="Find shape bugs around PyTorch RNN, LSTM and GRU modules.")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: .); - reads stdin")
    parser.add_argument("--version", action="version", version=f"rnnlint {__version__}")
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to report")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change meaning")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a diff; change no file")
    parser.add_argument("--output-format", choices=("text", "full", "json", "github"), default="text")
    parser.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: cores)")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: .rnnlint_cache)")
    parser.add_argument("--config", metavar="FILE", help="pyproject.toml to read instead of searching for one")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name to report for code read from stdin")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    return parser


def _codes(text: str | None, where: str) -> tuple | None:
    if text is None:
        return None
    codes = tuple(code.strip().upper() for code in text.split(",") if code.strip())
    return validate_codes(codes, where)


def _effective_config(args) -> Config:
    if args.config:
        pyproject = Path(args.config)
        if not pyproject.is_file():
            raise ConfigError(f"{args.config}: no such file")
    else:
        start = Path(args.paths[0]) if args.paths and args.paths[0] != "-" and Path(args.paths[0]).exists() else Path.cwd()
        pyproject = find_pyproject(start)
    config = load_config(pyproject)
    select = _codes(args.select, "--select")
    ignore = _codes(args.ignore, "--ignore")
    from dataclasses import replace

    if select is not None:
        config = replace(config, select=select)
    if ignore is not None:
        config = replace(config, ignore=config.ignore + ignore)
    if not config.exclude:
        from ._config import DEFAULT_EXCLUDE

        config = replace(config, exclude=DEFAULT_EXCLUDE)
    return config


def _check_command(argv: list) -> int:
    args = _check_parser().parse_args(argv)
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    config = _effective_config(args)
    paths = args.paths or ["."]
    if paths == ["-"]:
        return _check_stdin(args, config)
    from . import _render
    from ._runner import PathError, RunOptions, run

    cache_dir = None if args.no_cache else Path(args.cache_dir or os.environ.get("RNNLINT_CACHE_DIR", ".rnnlint_cache"))
    options = RunOptions(fix=args.fix, unsafe_fixes=args.unsafe_fixes or config.unsafe_fixes, diff=args.diff,
                         jobs=args.jobs, cache_dir=cache_dir)
    try:
        result = run(paths, config, options)
    except PathError as error:
        raise UsageError(str(error)) from None
    for warning in result.warnings:
        print(f"rnnlint: warning: {warning}", file=sys.stderr)
    for error in result.errors:
        _error(error)
    if args.diff:
        sys.stdout.write("".join(result.diffs))
    _print_findings(args, result.findings, result.sources)
    if not args.quiet and args.output_format in ("text", "full"):
        print(_render.summary(result.findings, result.files, result.fixed, incomplete=result.incomplete),
              file=sys.stderr if args.diff else sys.stdout)
    return _exit_code(result.findings, args, diffs=bool(result.diffs) and args.diff, incomplete=result.incomplete)


def _check_stdin(args, config: Config) -> int:
    from ._engine import FileResult, check_source, internal_error
    from ._reading import decode_source, encode_like

    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
    name = args.stdin_filename or "-"
    if name.endswith(".ipynb"):
        source, problem = decode_source(data, name, prefilter=False)
        if problem is not None:
            raise UsageError(f"{name}: {problem.message}")
        return _check_stdin_notebook(args, config, source, name)
    # the same reading as a file's: BOM, coding cookie, and no error for code that cannot matter
    source, problem = decode_source(data, name)
    if problem is not None:
        file_result = FileResult(name, findings=[problem])
    else:
        try:
            from ._project import project_for

            # the file's path anchors its project: its imports are read from disk
            project = project_for(Path(name).resolve()) if args.stdin_filename else None
            file_result = check_source(source, name, config, fix=args.fix or args.diff,
                                       unsafe_fixes=args.unsafe_fixes or config.unsafe_fixes, project=project)
        except Exception as error:  # noqa: BLE001 - one line, never a traceback
            file_result = FileResult(name, errors=[internal_error(name, "the engine", error)])
    for warning in file_result.warnings:
        print(f"rnnlint: warning: {warning}", file=sys.stderr)
    for error in file_result.errors:
        _error(error)
    if args.fix and not args.diff:
        fixed = encode_like(file_result.fixed_source, data) if file_result.fixed_source is not None else None
        _write_bytes(fixed if fixed is not None else data)
        print_to = sys.stderr
    else:
        print_to = sys.stdout
    findings = file_result.findings

    rendered = _render_findings(args, findings, {name: source or ""})
    if rendered:
        print(rendered, file=print_to)
    return _exit_code(findings, args, incomplete=int(bool(file_result.errors)))


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
                                                   unsafe_fixes=args.unsafe_fixes)
    except NotebookError as error:
        raise UsageError(f"{name}: {error}") from None
    for warning in warnings:
        print(f"rnnlint: warning: {warning}", file=sys.stderr)
    print_to = sys.stdout
    if args.diff:
        from ._notebook import cell_diffs, read_notebook

        before = read_notebook(source, name)
        after = {cell.number: cell.text for cell in read_notebook(fixed, name).cells} if fixed is not None else {}
        sys.stdout.write(cell_diffs(before, {number: text for number, text in after.items()
                                             if text != next(c.text for c in before.cells if c.number == number)}))
    if args.fix and not args.diff:
        sys.stdout.write(fixed if fixed is not None else source)
        print_to = sys.stderr
    rendered = _render_findings(args, findings, {})
    if rendered:
        print(rendered, file=print_to)
    return _exit_code(findings, args, diffs=args.diff and fixed is not None)


def _render_findings(args, findings: list, sources: dict) -> str:
    from . import _render

    if args.output_format == "json":
        return _render.as_json(findings)
    if args.output_format == "github":
        return _render.github(findings)
    if args.output_format == "full":
        return _render.full(findings, sources)
    return _render.text(findings, show_fixes=True)


def _print_findings(args, findings: list, sources: dict) -> None:
    rendered = _render_findings(args, findings, sources)
    if rendered:
        print(rendered)


def _exit_code(findings: list, args, diffs: bool = False, incomplete: int = 0) -> int:
    if args.exit_zero:
        return EXIT_CLEAN  # the check ran: what it found is on stdout and stderr
    if incomplete or any(finding.code == "RNN000" for finding in findings):
        return EXIT_ERROR  # the run is incomplete: some file was not (fully) checked
    return EXIT_FINDINGS if findings or diffs else EXIT_CLEAN


# --- rnnlint shapes ----------------------------------------------------------------------------


def _shapes_command(argv: list) -> int:
    parser = _Parser(prog="rnnlint shapes", description="Show the layers and the symbolic shapes rnnlint infers.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders walked as `rnnlint check` walks them")
    parser.add_argument("--format", choices=("text", "json", "html", "mermaid"), default="text",
                        help="text (default); json (docs/shapes-json.md); html: a page with a picture per "
                             "recurrent layer; mermaid: Markdown with a flowchart per class")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    args = parser.parse_args(argv)
    from ._engine import internal_error
    from ._reading import file_kind
    from ._runner import PathError, discover, read_source

    config = _shapes_config(args.paths)
    files = []
    for name in args.paths:
        path = Path(name)
        kind = file_kind(path)
        if kind == "a directory":
            try:
                files.extend((found, False) for found in discover([name], config))
            except PathError as error:
                raise UsageError(str(error)) from None
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
        if path.suffix == ".ipynb":  # a notebook's code cells, as one program
            from ._notebook import NotebookError, notebook_text

            try:
                source = notebook_text(source, str(path))
            except NotebookError as error:
                _error(f"{path}: {error}")
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
            data = shapes_data(source, str(path), config)
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


def _shapes_config(paths: list) -> Config:
    """The configuration the findings drawn with the shapes are selected by."""
    start = Path(paths[0]) if Path(paths[0]).exists() else Path.cwd()
    config = load_config(find_pyproject(start))
    if not config.exclude:
        from dataclasses import replace

        from ._config import DEFAULT_EXCLUDE

        config = replace(config, exclude=DEFAULT_EXCLUDE)
    return config


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
    parser.parse_args(argv)
    try:
        from ._server import serve
    except ImportError as error:
        raise UsageError(f"rnnlint server needs the lsp extra: pip install 'rnnlint[lsp]' ({error})") from None
    serve()
    return EXIT_CLEAN


# --- rnnlint rule ------------------------------------------------------------------------------


def _rule_command(argv: list) -> int:
    parser = _Parser(prog="rnnlint rule", description="Print the documentation of a rule.")
    parser.add_argument("rule", nargs="?", metavar="CODE", help="a rule code (RNN001) or name (head-features-mismatch)")
    parser.add_argument("--all", action="store_true", help="print every rule's documentation")
    parser.add_argument("--table", action="store_true", help="print the Markdown table of rules used in the README")
    args = parser.parse_args(argv)
    from .rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME
    from .rules._docs import rule_doc, rules_table

    if args.table:
        print(rules_table())
        return EXIT_CLEAN
    if args.all:
        print("\n\n".join(rule_doc(rule) for rule in ALL_RULES))
        return EXIT_CLEAN
    if not args.rule:
        raise UsageError("rnnlint rule: give a rule code, --all or --table")
    rule = RULES_BY_CODE.get(args.rule.upper()) or RULES_BY_NAME.get(args.rule.lower())
    if rule is None:
        raise UsageError(f"unknown rule {args.rule!r} (see `rnnlint rule --all`)")
    print(rule_doc(rule))
    return EXIT_CLEAN


if __name__ == "__main__":
    raise SystemExit(main())
