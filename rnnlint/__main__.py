"""``python -m rnnlint``."""

from .cli import main

raise SystemExit(main())
