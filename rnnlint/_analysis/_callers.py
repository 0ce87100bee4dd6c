"""Callers' runs: another project file run for its construction sites may call an instance of a
class of the checked file (``model(batch.text)``); what that run recorded at the checked file's
code becomes a run of its own (``ScopeFacts`` under a ``Called`` atom), its nodes moved onto
the checked tree. Imports nothing of the interpreter."""

from __future__ import annotations

import ast
import copy
import dataclasses
from typing import Any

from .._source import walk
from ._facts import Fact, LayerCall, Pack, PadSequence, ScopeFacts
from ._program import Called

# the facts of a caller's own code that the checked file's facts refer to by identity: the
# padding that states its batches' layout, the pack behind what the model is given
_REFERENCED = (PadSequence, Pack)


def caller_runs(callers: list, module: ast.Module, own: ast.Module | None, keys: set,
                entry_only: frozenset | set = frozenset()) -> list:
    """One ``ScopeFacts`` per call a caller (``_sites.Caller``) makes of an instance of the file's
    classes (``keys``: their registry keys) whose run recorded facts at the code of ``own`` (the
    project's parse of the checked file, of the same text as ``module``), those facts moved onto
    ``module``'s nodes, with the caller's paddings and packs they may refer to. A fact at one of
    ``entry_only`` (ids of ``module``'s nodes only entry methods reach) is an entry method's."""
    if own is None or not callers:
        return []
    own_ids = {id(node) for node in walk(own)}
    nodes = None if own is module else _Positions(own_ids, module)
    scopes = []
    for caller in callers:
        recorded = [event for scope in caller.scopes for event in scope.events]
        calls = _calls(caller, recorded, own_ids, keys)
        if not calls:
            continue
        referenced = [event for event in recorded if isinstance(event, _REFERENCED) and id(event.node) not in own_ids]
        entries = frozenset().union(*(source.entry_events for source in caller.scopes))
        for line, ran in calls.items():
            atom = Called(caller.sites[0][0] if caller.sites else "", line, caller.label)
            scopes.append(_scope(atom, referenced + ran, entries, entry_only, caller.scopes, module,
                                 _Mover(nodes, atom)))
    return scopes


def _calls(caller, recorded: list, own_ids: set, keys: set) -> dict:
    """``line -> facts``: the facts recorded at the checked file's code, by the line of the
    caller's call whose run recorded them (a ``LayerCall`` of an instance of the file's classes
    is recorded before the facts of its run); facts no such call precedes go to the first site's
    line."""
    if not any(id(event.node) in own_ids for event in recorded):
        return {}
    fallback = min((site.node.lineno for _, site in caller.sites), default=1)
    theirs = {id(node) for node in walk(caller.tree)}
    found: dict = {}
    current = fallback
    for event in recorded:
        if id(event.node) in own_ids:
            found.setdefault(current, []).append(event)
        elif isinstance(event, LayerCall) and getattr(event.layer, "module_class", None) in keys:
            current = event.node.lineno
        elif id(event.node) in theirs:
            current = fallback  # the caller's own code between calls: what follows is no known call's
    return found


def _scope(atom: Called, kept: list, entries: frozenset, entry_only: frozenset | set, sources: tuple,
           module: ast.Module, mover: _Mover) -> ScopeFacts:
    events = [mover.move(event) for event in kept]
    scope = ScopeFacts(name=atom.class_name, kind="caller", node=module, events=events,
                       guard=frozenset({(atom, True)}),
                       entry_events=frozenset(id(moved) for event, moved in zip(kept, events, strict=True)
                                              if id(event) in entries or id(moved.node) in entry_only))
    for source in sources:
        scope.aliases.update(source.aliases)
        for key, names in source.bound_names.items():
            scope.bound_names[mover.node_id(key)] = names
        for tensor, head in source.head_calls.values():
            moved = mover.move(tensor)
            scope.head_calls[id(moved)] = (moved, mover.move(head))
    return scope


def _span(node: ast.AST) -> tuple:
    return (type(node), getattr(node, "lineno", None), getattr(node, "col_offset", None),
            getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))


class _Positions:
    """The node of the checked tree of the same type and span as a node of the project's parse
    of the same text (``own``: the ids of that parse's nodes); a span two nodes of one type share
    maps nothing. The checked tree is read once, when a node is first asked for."""

    def __init__(self, own: set, module: ast.Module) -> None:
        self.own = own
        self.module = module
        self.checked: dict | None = None

    def node(self, node: ast.AST) -> ast.AST | None:
        if id(node) not in self.own or getattr(node, "lineno", None) is None:
            return None
        if self.checked is None:
            self.checked = {}
            for child in walk(self.module):
                if getattr(child, "lineno", None) is not None:
                    span = _span(child)
                    self.checked[span] = None if span in self.checked else child
        return self.checked.get(_span(node))


class _Mover:
    """Copies facts and the values they hold with each node of the project's parse replaced by
    the checked tree's (``nodes``; None: they are the same tree) and each fact's guard extended
    by ``atom``; what holds no such node stays the very object (rules compare by identity)."""

    def __init__(self, nodes: _Positions | None, atom: Called) -> None:
        self.nodes = nodes
        self.guard = frozenset({(atom, True)})
        self.memo: dict = {}
        self.by_id: dict = {}  # id(node of the project's parse) -> the checked tree's, as moved

    def node_id(self, key: int) -> int:
        moved = self.by_id.get(key)
        return id(moved) if moved is not None else key

    def move(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, int, float, bool, frozenset)):
            return value
        known = self.memo.get(id(value))
        if known is not None:
            return known[1]
        moved: Any = value
        if isinstance(value, ast.AST):
            found = self.nodes.node(value) if self.nodes is not None else None
            moved = found if found is not None else value
            if found is not None:
                self.by_id[id(value)] = found
        elif isinstance(value, tuple) and not hasattr(value, "_fields"):
            self.memo[id(value)] = (value, value)  # a cycle reads the original
            items = tuple(self.move(item) for item in value)
            moved = value if all(a is b for a, b in zip(items, value, strict=True)) else items
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            self.memo[id(value)] = (value, value)
            changes = {}
            for field in dataclasses.fields(value):
                current = getattr(value, field.name, None)
                new = self.move(current)
                if new is not current:
                    changes[field.name] = new
            if isinstance(value, Fact):
                changes["guard"] = value.guard | self.guard
            if changes:
                moved = copy.copy(value)
                for name, new in changes.items():
                    object.__setattr__(moved, name, new)
        self.memo[id(value)] = (value, moved)  # the original is kept alive: its id stays its own
        return moved
