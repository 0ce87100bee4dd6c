"""pytest plugin for rnnlint: runtime checks (``--rnnlint``) and static linting of the
collected files (``--rnnlint-static``); inert unless its options or marker are given.

Imports neither torch nor jaxtyping until a test asks for the runtime checks, and the static
linter only when ``--rnnlint-static`` is on.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import pytest

if TYPE_CHECKING:
    from jaxtyping import TypeCheckError


class _ImportHook(Protocol):
    def uninstall(self) -> None: ...


_PACKAGE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_packages_hook = pytest.StashKey[_ImportHook]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rnnlint", "rnnlint shape checks")
    group.addoption("--rnnlint", action="store_true", default=None,
                    help="runtime: watch every nn.RNN/LSTM/GRU (and its heads) built during each test")
    group.addoption("--rnnlint-packages", metavar="PKG[,PKG...]", default=None,
                    help="runtime: check the jaxtyping annotations of these packages with beartype")
    group.addoption("--rnnlint-static", action="store_true", default=None,
                    help="static: lint each collected Python file with rnnlint, one test item per "
                         "file (select them with -m rnnlint_static)")
    parser.addini("rnnlint", type="bool", default=False, help="same as --rnnlint")
    parser.addini("rnnlint_packages", default="", help="same as --rnnlint-packages")
    parser.addini("rnnlint_static", type="bool", default=False, help="same as --rnnlint-static")


def parse_packages(text: str) -> list[str]:
    """``"pkg1, pkg2.sub"`` -> ``["pkg1", "pkg2.sub"]``; commas or whitespace separate."""
    names = [name for name in re.split(r"[,\s]+", text) if name]
    for name in names:
        if not _PACKAGE_NAME.fullmatch(name):
            raise pytest.UsageError(f"rnnlint: --rnnlint-packages: not a package name: {name!r}")
    return names


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "rnnlint(batch=None, seq=None): watch this test's recurrent modules with "
        "these declared sizes")
    config.addinivalue_line(
        "markers", "rnnlint_static: the static rnnlint check of one file (--rnnlint-static)")
    text = config.getoption("rnnlint_packages")
    packages = parse_packages(config.getini("rnnlint_packages") if text is None else text)
    if packages:
        import jaxtyping

        config.stash[_packages_hook] = jaxtyping.install_import_hook(packages, "beartype.beartype")
        early = [name for name in packages if name in sys.modules]
        if early:
            config.issue_config_time_warning(pytest.PytestConfigWarning(
                f"rnnlint: imported before the annotation checks were installed, so not "
                f"checked: {', '.join(early)}"), stacklevel=2)


def pytest_unconfigure(config: pytest.Config) -> None:
    hook = config.stash.get(_packages_hook, None)
    if hook is not None:
        hook.uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    try:
        return (yield)
    except Exception as error:
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        if kind == "jaxtyping.TypeCheckError" and _packages_hook in item.config.stash:
            from rnnlint.runtime import shape_error_from

            error = shape_error_from(cast("TypeCheckError", error)).with_traceback(error.__traceback__)
        elif not kind.startswith("rnnlint.runtime."):
            raise
        from rnnlint.runtime import strip_library_frames

        # the report ends on the test's own line, not inside torch's hook machinery
        raise strip_library_frames(error) from None


def _declared_sizes(node: pytest.Item) -> dict:
    marker = node.get_closest_marker("rnnlint")
    return dict(marker.kwargs) if marker is not None else {}


@pytest.fixture(autouse=True)
def _rnnlint_new_modules(request: pytest.FixtureRequest):
    flag = request.config.getoption("rnnlint")
    enabled = request.config.getini("rnnlint") if flag is None else flag
    if not enabled and request.node.get_closest_marker("rnnlint") is None:
        yield
        return
    from rnnlint.runtime import watch_new_modules

    # heads are watched too: they recognise the recurrent modules' own results by identity
    with watch_new_modules(**{"heads": True, **_declared_sizes(request.node)}):
        yield


@pytest.fixture
def rnn_watch(request: pytest.FixtureRequest):
    """``rnn_watch(model, batch=4, seq=7)``: watch ``model`` until the test ends."""
    from rnnlint.runtime import watch

    handles = []

    def start(model, **sizes):
        handles.append(watch(model, **{"heads": True, **_declared_sizes(request.node), **sizes}))
        return handles[-1]

    yield start
    for handle in reversed(handles):
        handle.remove()


# -- static linting of the collected files ---------------------------------------------------

def _static_enabled(config: pytest.Config) -> bool:
    flag = config.getoption("rnnlint_static")
    return bool(config.getini("rnnlint_static") if flag is None else flag)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    # notebooks too: pytest offers every file it walks to this hook, and rnnlint reads them
    if file_path.suffix not in (".py", ".pyi", ".ipynb") or not _static_enabled(parent.config):
        return None
    return StaticFile.from_parent(parent, path=file_path)


class StaticFindings(Exception):
    """The findings of one file, rendered as the command line prints them."""


class StaticFile(pytest.File):
    def collect(self):
        yield StaticItem.from_parent(self, name="rnnlint-static")


class StaticItem(pytest.Item):
    """rnnlint's static check of one file: fails with its findings (``# noqa`` and the
    configuration file the command line would read apply)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("rnnlint_static")
        # some plugins' pytest_runtest_call wrappers read funcargs of every item and fail
        # without it (pytest-lsp 1.0 does not yield when it is missing)
        self.funcargs: dict = {}

    def runtest(self) -> None:
        from rnnlint._config import ConfigError, find_config, load_config
        from rnnlint._render import concise
        from rnnlint._runner import RunOptions, is_force_excluded, run

        try:
            found = find_config(self.path)
            config = load_config(found)
        except ConfigError as error:
            raise StaticFindings(f"rnnlint: error: {error}") from None
        # what a folder walk of the project leaves out (exclude, .gitignore) is not checked
        root = found.parent if found is not None else self.config.rootpath
        if is_force_excluded(self.path, config, root):
            return
        # paths in the findings as the command line would print them from here
        shown = Path(os.path.relpath(self.path)) if self.path.is_relative_to(Path.cwd()) else self.path
        result = run([shown], config, RunOptions(jobs=1))
        lines = [concise(result.findings)] if result.findings else []
        lines += [f"rnnlint: error: {error}" for error in result.errors]
        if lines:
            raise StaticFindings("\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, StaticFindings):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"rnnlint-static {self.path.name}"
