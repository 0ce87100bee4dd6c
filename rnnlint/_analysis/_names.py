"""Import aliases: what a name in this file really refers to (``nn.LSTM`` -> ``torch.nn.LSTM``).

Only import statements are read; no scope analysis beyond the file's own imports.
"""

from __future__ import annotations

import libcst as cst

# Classes that live in torch.nn.modules.* but are exported as torch.nn.*
_MODULE_PACKAGES = ("torch.nn.modules.",)
_RNN_UTILS = "torch.nn.utils.rnn."


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _module_name(node: cst.BaseExpression) -> str:
    return dotted_name(node) or ""


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

    def add(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = _module_name(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.aliases[alias.asname.name.value] = full
                else:
                    # `import torch.nn` binds `torch`
                    top = full.split(".")[0]
                    self.aliases[top] = top
            return
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = _module_name(node.module)
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.aliases[local] = f"{module}.{alias.name.value}"

    def resolve(self, node: cst.BaseExpression) -> str | None:
        """The canonical qualified name of an expression such as ``nn.LSTM``, or None."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head not in self.aliases:
            return None
        full = self.aliases[head] + ("." + rest if rest else "")
        return canonical(full)
