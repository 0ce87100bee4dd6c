"""Where the project lives: the addresses every output links to, defined once.

``pyproject.toml``'s ``[project.urls]`` names the same addresses (a test keeps them equal).
Stdlib only, imports nothing.
"""

from __future__ import annotations

HOMEPAGE = "https://github.com/rnnlint/rnnlint"
DOCS_BASE_URL = f"{HOMEPAGE}/blob/main/docs/rules/"
CHANGELOG_URL = f"{HOMEPAGE}/blob/main/CHANGELOG.md"
ISSUES_URL = f"{HOMEPAGE}/issues"

# codes without a rule of their own: a file rnnlint could not read or parse
NO_RULE_CODES = frozenset({"RNN000"})


def rule_url(code: str) -> str | None:
    """The address of a rule's documentation page (``docs/rules/CODE.md``); None for RNN000."""
    if code in NO_RULE_CODES:
        return None
    return f"{DOCS_BASE_URL}{code}.md"
