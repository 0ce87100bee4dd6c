"""Write the rule pages under docs/rules/ from the registry: one page per rule and an index.

    python docs/render_rules.py          # from the repository root

tests/test_rule_pages.py keeps the pages equal to what the registry says today.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from rnnlint.rules._docs import rule_pages

    RULES.mkdir(exist_ok=True)
    pages = rule_pages()
    for stale in RULES.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        path = RULES / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
