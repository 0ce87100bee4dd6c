"""Reading code: files and standard input go through one function, and decode as Python does.

A byte order mark or a PEP 263 coding cookie chooses the encoding, UTF-8 otherwise. Stdlib only.
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from pathlib import Path

from ._engine import PARSE_ERROR_CODE, needs_analysis
from ._finding import Finding


def decode_source(data: bytes, path: str, prefilter: bool = True) -> tuple[str | None, Finding | None]:
    """The text of ``data`` as Python would read it, or the RNN000 finding saying why not.

    With ``prefilter``, bytes that cannot name a recurrent module give ``""`` rather than a
    finding: a file rnnlint would not read is no error of rnnlint's to report.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown encoding, or a cookie that contradicts a BOM
        problem = _cookie_problem(str(error))
        if problem == "cannot decode file as UTF-8":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as decoding:
                problem += f" (byte {decoding.start})"
    else:
        try:
            return data.decode(encoding), None
        except (UnicodeDecodeError, LookupError) as error:
            problem = f"cannot decode file as {_encoding_name(encoding)}"
            if isinstance(error, UnicodeDecodeError):
                problem += f" (byte {error.start})"
    # the recurrent names are ASCII: latin-1 keeps every ASCII byte where it is
    if prefilter and not needs_analysis(data.decode("latin-1")):
        return "", None
    return None, Finding(path, 1, 0, PARSE_ERROR_CODE, problem, name="undecodable-file")


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _cookie_problem(message: str) -> str:
    # tokenize says "invalid or missing encoding declaration for '<file>'" when the first two
    # lines are not UTF-8 and name no encoding: that is a UTF-8 decoding error
    if message.startswith("invalid or missing encoding declaration"):
        return "cannot decode file as UTF-8"
    if message.startswith("unknown encoding"):
        return f"cannot decode file: coding cookie names an {message}"
    return f"cannot decode file: {message.split(' for ')[0]}"


def read_file(path: Path, prefilter: bool = True) -> tuple[str | None, Finding | None, bytes]:
    """A regular file's text (see ``decode_source``), or the RNN000 finding saying why not."""
    try:
        # without blocking: opening a named pipe would otherwise wait for a writer forever
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(handle, "rb", closefd=True) as stream:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None, Finding(str(path), 1, 0, PARSE_ERROR_CODE, "cannot read file: not a regular file",
                                     name="unreadable-file"), b""
            data = stream.read()
    except OSError as error:
        return None, Finding(str(path), 1, 0, PARSE_ERROR_CODE, f"cannot read file: {error.strerror or error}",
                             name="unreadable-file"), b""
    text, problem = decode_source(data, str(path), prefilter)
    return text, problem, data


def file_kind(path: Path | str) -> str | None:
    """None for a regular file (symbolic links followed), else what it is, in words."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def encode_like(text: str, original: bytes) -> bytes | None:
    """``text`` in the encoding ``original`` was read in (BOM kept), or None when it cannot be:
    a fix must not change a single byte it does not touch."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
        return text.encode(encoding)
    except (SyntaxError, LookupError, UnicodeEncodeError):
        return None
