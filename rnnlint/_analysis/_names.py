"""Import aliases: what a name in this file really refers to (``nn.LSTM`` -> ``torch.nn.LSTM``).

Only import statements are read; no scope analysis beyond the file's own imports.
"""

from __future__ import annotations

import ast

# Classes that live in torch.nn.modules.* but are exported as torch.nn.*
_MODULE_PACKAGES = ("torch.nn.modules.",)
_RNN_UTILS = "torch.nn.utils.rnn."


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def argument(call: ast.Call, position: int, keyword: str) -> ast.expr | ast.keyword | None:
    """The argument bound to a parameter, given its position and keyword: the ``ast.keyword``
    when it is passed by keyword, else the positional expression (see ``argument_value``);
    None when not passed, or when a ``*args`` before it leaves its position unknown."""
    for given in call.keywords:
        if given.arg == keyword:
            return given
    if any(isinstance(arg, ast.Starred) for arg in call.args[:position + 1]):
        return None
    return call.args[position] if len(call.args) > position else None


def argument_value(node: ast.expr | ast.keyword | None) -> ast.expr | None:
    """The value of what ``argument`` returned."""
    return node.value if isinstance(node, ast.keyword) else node


def unpacks(call: ast.Call) -> bool:
    """Whether ``*args`` or ``**kwargs`` may pass any argument."""
    return any(isinstance(arg, ast.Starred) for arg in call.args) \
        or any(keyword.arg is None for keyword in call.keywords)


def canonical(qualified: str) -> str:
    """Map deep import paths to their public spelling: torch.nn.modules.rnn.LSTM -> torch.nn.LSTM."""
    for package in _MODULE_PACKAGES:
        if qualified.startswith(package):
            return "torch.nn." + qualified.rsplit(".", 1)[-1]
    if qualified.startswith("torch.nn.utils.rnn.") or qualified.startswith("torch.nn.utils."):
        last = qualified.rsplit(".", 1)[-1]
        if last in ("pack_padded_sequence", "pad_packed_sequence", "pack_sequence", "pad_sequence", "PackedSequence"):
            return _RNN_UTILS + last
    if qualified.startswith("torch.functional."):
        return "torch." + qualified.rsplit(".", 1)[-1]
    return qualified


class ImportTable:
    """Local name -> qualified name, from the import statements of one file."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    self.aliases[alias.asname] = alias.name
                else:
                    # `import torch.nn` binds `torch`
                    top = alias.name.split(".")[0]
                    self.aliases[top] = top
            return
        if node.level or node.module is None:
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(self, node: ast.expr) -> str | None:
        """The canonical qualified name of an expression such as ``nn.LSTM``, or None."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head not in self.aliases:
            return None
        full = self.aliases[head] + ("." + rest if rest else "")
        return canonical(full)
