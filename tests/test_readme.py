"""The README's command examples are real: each `$ rnnlint ...` block is re-run and compared."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from conftest import ROOT

BLOCK = re.compile(r"```text\n\$ (rnnlint [^\n]*)\n(.*?)```", re.DOTALL)


def test_readme_outputs_are_what_the_commands_print(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(readme)
    assert len(blocks) >= 2
    for command, expected in blocks:
        argv = shlex.split(command)[1:]
        env = dict(os.environ, RNNLINT_CACHE_DIR=str(tmp_path / "cache"))
        result = subprocess.run([sys.executable, "-m", "rnnlint", *argv], capture_output=True, text=True, cwd=ROOT,
                                env=env, timeout=120)
        assert result.stdout == expected, command


def test_readme_quick_start_names_the_ci_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    quick_start = readme[readme.index("## Quick start"):]
    commands = re.search(r"```bash\n(.*?)\n(.*?)\n```", quick_start, re.DOTALL)
    install, tests = commands.group(1), commands.group(2)
    assert install.split(" && rnnlint")[0] in ci
    assert tests in ci
