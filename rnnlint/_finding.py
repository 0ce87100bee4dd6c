"""Findings and fixes: what the engine reports, independent of how it is printed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (rows 1-based, columns 0-based)."""

    content: str
    row: int
    column: int
    end_row: int
    end_column: int


@dataclass(frozen=True)
class Fix:
    title: str
    safe: bool
    edits: tuple = ()


@dataclass(frozen=True, order=True)
class Finding:
    """One finding. Rows are 1-based, columns 0-based (each output converts once)."""

    path: str
    row: int
    column: int
    code: str
    message: str = field(compare=False)
    name: str = field(default="", compare=False)
    end_row: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)
    fix: Fix | None = field(default=None, compare=False)
    help: str | None = field(default=None, compare=False)
    cell: int | None = None
    # the construction sites whose configuration the finding holds in: ((path, row), ...)
    configurations: tuple = field(default=(), compare=False)
