"""What a rule is: code, name, message template, doc, examples that are also its tests."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from .._source import Span


@dataclass(frozen=True)
class Invalid:
    """An example the rule must flag; ``fixed`` is the source after its fix, if it has one."""

    code: str
    fixed: str | None = None


@dataclass
class Report:
    """A rule's raw result: the node to point at and the fields for its message."""

    node: ast.AST | Span
    fields: dict
    # ((node or Span, new text), ...) forming the fix: each replaces the node's original text
    replacements: tuple = ()
    fix_safe: bool = True
    help: str | None = None
    # the event judged: the engine sets aside a finding that holds on one side of a condition
    # the analysis cannot evaluate when the same code, on the other side, was not flagged
    event: Any = None
    # the condition the finding holds under, when no event carries it (a construction site's)
    guard: frozenset = frozenset()


@dataclass
class RuleContext:
    """What a rule may read: the file's facts (its import table and source lines among them);
    for a rule that reads suppressions (``READS = "suppressions"``), what the file's ``# noqa``
    comments suppressed once every other rule has run."""

    facts: Any
    suppressions: Any = None


class Rule:
    """Base class. Subclasses set the class attributes and implement ``check``."""

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    MESSAGE: ClassVar[str]
    FIX_TITLE: ClassVar[str | None] = None
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Invalid]] = []
    # "facts": the rule judges the analysis's facts about the code (every shape rule);
    # "suppressions": it judges the file's suppression comments, after the other rules have run
    READS: ClassVar[str] = "facts"

    def check(self, context: RuleContext) -> Iterator[Report]:
        raise NotImplementedError

    def report(self, node: ast.AST | Span, *, replacements: tuple = (), fix_safe: bool = True,
               help: str | None = None, event: Any = None, guard: Any = frozenset(),
               **fields: Any) -> Report:
        return Report(node=node, fields=fields, replacements=replacements, fix_safe=fix_safe, help=help,
                      event=event, guard=guard)

    @classmethod
    def has_fix(cls) -> bool:
        """A rule has a fix when one of its examples shows it (the examples are the proof)."""
        return any(example.fixed is not None for example in cls.INVALID)

    @classmethod
    def summary(cls) -> str:
        """The first sentence of the doc's "What it does" section, on one line."""
        doc = cls.__doc__ or ""
        lines = [line.strip() for line in doc.strip().splitlines()]
        start = lines.index("## What it does") + 1 if "## What it does" in lines else 0
        paragraph: list[str] = []
        for line in lines[start:]:
            if not line and paragraph:
                break
            if line:
                paragraph.append(line)
        text = " ".join(paragraph)
        end = text.find(". ")
        return (text[:end + 1] if end >= 0 else text).rstrip(":")
