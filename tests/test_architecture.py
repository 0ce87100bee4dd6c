"""The boundaries ARCHITECTURE.md describes, checked on the code: who may import what, and what
a rule may not do (walk the tree, keep state between files)."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

RULES = sorted((ROOT / "rnnlint" / "rules").glob("rnn*.py")) + [ROOT / "rnnlint" / "rules" / "_util.py"]
ANALYSIS_MODULES = sorted(path.stem for path in (ROOT / "rnnlint" / "_analysis").glob("_*.py")
                          if path.stem != "__init__")


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.level, node.module or "", [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name, []


@pytest.mark.parametrize("path", RULES, ids=lambda path: path.stem)
def test_rules_read_the_analysis_through_its_public_names(path):
    for level, module, names in _imports(path):
        if level == 2 and module.startswith("_analysis"):
            assert module == "_analysis", f"{path.name} imports rnnlint.{module}"
            from rnnlint import _analysis

            assert set(names) <= set(_analysis.__all__), f"{path.name}: {set(names) - set(_analysis.__all__)}"


@pytest.mark.parametrize("path", RULES, ids=lambda path: path.stem)
def test_rules_neither_walk_the_tree_nor_keep_state(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("walk", "iter_child_nodes", "NodeVisitor"):
            assert not (isinstance(node.value, ast.Name) and node.value.id == "ast"), f"{path.name}:{node.lineno}"
    rules = [node for node in tree.body if isinstance(node, ast.ClassDef)
             and any(isinstance(item, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "CODE"
                                                          for target in item.targets) for item in node.body)]
    assert rules or path.name == "_util.py"
    for node in (inner for rule in rules for inner in ast.walk(rule)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    bound_on_self = isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) \
                        and part.value.id == "self"
                    # (the examples' `self.lstm = ...` lines are inside strings)
                    assert not bound_on_self, f"{path.name}:{node.lineno} keeps state on the rule"


def test_the_flake8_adapter_uses_public_api_only():
    for _level, module, names in _imports(ROOT / "plugins" / "flake8_rnnlint.py"):
        if module.startswith("rnnlint"):
            assert "._" not in module and all(not name.startswith("_") or name == "__version__" for name in names)


def test_the_public_names_hold_what_the_adapter_needs():
    import rnnlint

    assert {"lint_source", "lint_tree", "lint_paths", "Finding"} <= set(rnnlint.__all__)


@pytest.mark.parametrize("module", ANALYSIS_MODULES)
def test_each_analysis_module_imports_on_its_own(module):
    # a circular import shows as an ImportError for some first module imported
    result = subprocess.run([sys.executable, "-c", f"import rnnlint._analysis.{module}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_circular_import_check_can_fail(tmp_path):
    package = tmp_path / "loop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import B\nA = 1\n")
    (package / "b.py").write_text("from .a import A\nB = 2\n")
    result = subprocess.run([sys.executable, "-c", "import loop.a"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "ImportError" in result.stderr
