"""pytest plugin for rnnlint's runtime checks; inert unless its options or marker are given.

Imports neither torch nor jaxtyping until a test asks for the checks.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Protocol, cast

import pytest

if TYPE_CHECKING:
    from jaxtyping import TypeCheckError


class _ImportHook(Protocol):
    def uninstall(self) -> None: ...


_PACKAGE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_packages_hook = pytest.StashKey[_ImportHook]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rnnlint", "rnnlint runtime shape checks")
    group.addoption("--rnnlint", action="store_true", default=None,
                    help="watch every nn.RNN/LSTM/GRU built during each test")
    group.addoption("--rnnlint-packages", metavar="PKG[,PKG...]", default=None,
                    help="check the jaxtyping annotations of these packages with beartype")
    parser.addini("rnnlint", type="bool", default=False, help="same as --rnnlint")
    parser.addini("rnnlint_packages", default="", help="same as --rnnlint-packages")


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
