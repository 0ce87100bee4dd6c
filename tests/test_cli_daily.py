"""The command line as a ruff user expects it: precedence, exclusion, stdin, --diff, newer syntax,
configuration files and the reporting options. Exit codes and exact output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

BUGGY_HEAD = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text()
WHOLE_STATE = (ROOT / "examples" / "rnn002_hidden_state_into_head" / "buggy.py").read_text()
RNN001 = ("19:19: RNN001 [*] `self.fc` takes `hidden_size` input features, but receives `2*hidden_size` from "
          "bidirectional `self.lstm`")
RNN002 = ("20:16: RNN002 `self.fc` receives the whole `h_n` of `self.gru`, shape `(num_layers, batch, hidden_size)`; "
          "a head expects `(batch, features)`")
ONE_FOUND = "Found 1 finding in 1 file checked. [*] 1 fixable with `--fix`.\n"


def rnnlint(*args, cwd, stdin=None, env=None):
    environment = {key: value for key, value in os.environ.items() if key != "RNNLINT_CACHE_DIR"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "rnnlint", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, input=stdin, env=environment, timeout=120)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "model.py").write_text(BUGGY_HEAD)
    return tmp_path


# --- 1. precedence ---------------------------------------------------------------------------


def test_the_command_line_select_beats_the_configuration_ignore(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nignore = [\"RNN001\"]\n")
    quiet = rnnlint("--no-cache", "model.py", cwd=project)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "All checks passed (1 file checked).\n", "")
    result = rnnlint("--no-cache", "--select", "RNN001", "model.py", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (1, f"model.py:{RNN001}\n{ONE_FOUND}", "")
    extended = rnnlint("--no-cache", "--extend-select", "RNN001", "model.py", cwd=project)
    assert (extended.returncode, extended.stdout) == (1, f"model.py:{RNN001}\n{ONE_FOUND}")


def test_the_command_line_ignore_applies_over_the_configuration_select(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nselect = [\"RNN001\"]\n")
    result = rnnlint("--no-cache", "--ignore", "RNN00", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")
    result = rnnlint("--no-cache", "--extend-ignore", "RNN001", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")


def test_ignoring_rnn000_is_an_error(project):
    result = rnnlint("--no-cache", "--ignore", "RNN000", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("rnnlint: error: --ignore: RNN000 cannot be ignored: a file that cannot be read or "
                             "parsed is never a pass (leave the file out with extend-exclude)\n")
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nextend-ignore = [\"RNN000\"]\n")
    result = rnnlint("--no-cache", "model.py", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("rnnlint: error: pyproject.toml: [tool.rnnlint] extend-ignore: RNN000 cannot be "
                                    "ignored")


def test_unknown_codes_keys_and_rule_names_get_the_nearest_one(project):
    cases = [
        (("--select", "RNN101"), "rnnlint: error: --select: unknown code RNN101; did you mean RNN001?\n"),
        (("--select", "RNN0011"), "rnnlint: error: --select: not a rule code or prefix: 'RNN0011'; did you mean "
                                  "RNN001?\n"),
        (("--ignore", "head-features-mismatch"), "rnnlint: error: --ignore: not a rule code or prefix: "
                                                 "'HEAD-FEATURES-MISMATCH'; did you mean RNN001 "
                                                 "(head-features-mismatch)?\n"),
        (("--select", "RNN999"), "rnnlint: error: --select: unknown code RNN999\n"),
        # an empty list of codes would select (or ignore) nothing without a word: refused, as ruff does
        (("--select", ""), "rnnlint: error: --select: no rule code given\n"),
        (("--extend-select", " , "), "rnnlint: error: --extend-select: no rule code given\n"),
        (("--ignore", ""), "rnnlint: error: --ignore: no rule code given\n"),
    ]
    for args, message in cases:
        result = rnnlint("--no-cache", *args, "model.py", cwd=project)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message), args
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nselct = [\"RNN001\"]\n")
    result = rnnlint("--no-cache", "model.py", cwd=project)
    assert (result.returncode, result.stderr) == (
        2, "rnnlint: error: pyproject.toml: [tool.rnnlint] unknown key 'selct'; did you mean 'select'?\n")


# --- 2. exclusion --------------------------------------------------------------------------


def _repository(root):
    (root / ".git").mkdir()
    layout = ["model.py", "top.py", "sub/top.py", "generated/model.py", "sub/generated.py", "sub/local.py",
              "deep/a/b/scratch_x.py", "notes.tmp.py", "keep.tmp.py", "build_info/model.py", "docs/sub/gen.py"]
    for name in layout:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(BUGGY_HEAD)
    (root / ".gitignore").write_text(
        "# comment\n"
        "generated/\n"       # a folder, at any depth; the file sub/generated.py stays
        "/top.py\n"          # anchored: only the top one
        "*.tmp.py\n"
        "!keep.tmp.py\n"     # negation
        "**/scratch_*.py\n"
        "docs/**/gen.py\n"
    )
    (root / "sub" / ".gitignore").write_text("local.py\n")
    return sorted(["model.py", "sub/top.py", "sub/generated.py", "keep.tmp.py", "build_info/model.py"])


def test_gitignore_is_respected_in_a_repository(tmp_path):
    expected = _repository(tmp_path)
    result = rnnlint("--show-files", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "".join(f"{tmp_path / name}\n" for name in sorted(expected, key=lambda n: f"./{n}"))
    everything = rnnlint("--show-files", "--no-respect-gitignore", ".", cwd=tmp_path)
    assert len(everything.stdout.splitlines()) == 11
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nrespect-gitignore = false\n")
    assert rnnlint("--show-files", ".", cwd=tmp_path).stdout == everything.stdout


def test_gitignore_outside_a_repository_is_not_read(tmp_path):
    _repository(tmp_path)
    (tmp_path / ".git").rmdir()
    assert len(rnnlint("--show-files", ".", cwd=tmp_path).stdout.splitlines()) == 11


def test_gitignore_patterns():
    from rnnlint._gitignore import parse

    def matches(pattern, path, is_dir=False):
        (compiled,) = parse(pattern)
        return bool(compiled.regex.match(path)) and (is_dir or not compiled.directory_only)

    assert matches("*.py", "a/b.py") and matches("/build", "build") and not matches("/build", "x/build")
    assert matches("build/", "x/build", is_dir=True) and not matches("build/", "x/build")
    assert matches("doc/*.txt", "doc/a.txt") and not matches("doc/*.txt", "doc/x/a.txt")
    assert matches("**/foo", "foo") and matches("a/**/b", "a/b") and matches("a/**/b", "a/x/y/b")
    assert matches("abc/**", "abc/d/e") and not matches("abc/**", "abc")
    assert matches("[!ab].py", "c.py") and not matches("[!ab].py", "a.py") and not matches("a?c", "a/c")
    assert matches("\\#x", "#x") and parse("!keep.py")[0].negated and parse("# comment\n\n") == ()
    assert matches("trailing\\ ", "trailing ") and matches("spaces   ", "spaces")


def test_force_exclude_applies_to_named_files_and_stdin(tmp_path):
    _repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nextend-exclude = [\"sub\"]\n")
    named = rnnlint("--no-cache", "generated/model.py", "sub/top.py", cwd=tmp_path)
    assert named.returncode == 1 and named.stdout.count("RNN001") == 2
    for path in ("generated/model.py", "sub/top.py"):
        forced = rnnlint("--no-cache", "--force-exclude", path, cwd=tmp_path)
        assert (forced.returncode, forced.stdout, forced.stderr) == (
            0, "", "rnnlint: warning: No Python files found\n")
    stdin = rnnlint("--force-exclude", "--stdin-filename", "generated/model.py", cwd=tmp_path, stdin=BUGGY_HEAD)
    assert (stdin.returncode, stdin.stdout, stdin.stderr) == (0, "", "")
    fixed = rnnlint("--force-exclude", "--fix", "--stdin-filename", "sub/x.py", cwd=tmp_path, stdin=BUGGY_HEAD)
    assert (fixed.returncode, fixed.stdout) == (0, BUGGY_HEAD)  # the editor gets its text back unchanged
    checked = rnnlint("--force-exclude", "--stdin-filename", "model.py", cwd=tmp_path, stdin=BUGGY_HEAD)
    assert (checked.returncode, checked.stdout) == (1, f"model.py:{RNN001}\n")


# --- 3. stdin --------------------------------------------------------------------------------


def test_stdin_filename_alone_reads_stdin_and_never_the_folder(project):
    result = rnnlint("--stdin-filename", "other.py", cwd=project, stdin=BUGGY_HEAD)
    assert (result.returncode, result.stdout, result.stderr) == (1, f"other.py:{RNN001}\n", "")
    result = rnnlint("--stdin-filename", "other.py", "model.py", cwd=project, stdin=BUGGY_HEAD)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("rnnlint: error: --stdin-filename names the code read from standard input: give no "
                             "path besides -\n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_stdin_filename_with_a_terminal_is_an_error_not_a_wait(project):
    primary, secondary = os.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "rnnlint", "--stdin-filename", "x.py"], stdin=secondary,
                                capture_output=True, text=True, cwd=project, timeout=60)
    finally:
        os.close(primary)
        os.close(secondary)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("rnnlint: error: --stdin-filename reads standard input, which is a terminal: pipe the "
                             "code in, or give - as the path to type it\n")


# --- 4. --diff -------------------------------------------------------------------------------


def test_diff_prints_the_diff_alone_and_says_would_fix(project):
    (project / "state.py").write_text(WHOLE_STATE)  # a finding without a fix: not in the patch stream
    before = (project / "model.py").read_text()
    result = rnnlint("--no-cache", "--diff", ".", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "--- a/model.py\n+++ b/model.py\n@@ -16,7 +16,7 @@\n"
        "         self.lstm = nn.LSTM(\n"
        "             input_size, hidden_size, batch_first=True, bidirectional=True\n"
        "         )\n"
        "-        self.fc = nn.Linear(hidden_size, n_classes)  # expect: RNN001\n"
        "+        self.fc = nn.Linear(2 * hidden_size, n_classes)  # expect: RNN001\n"
        " \n"
        "     def forward(self, x):\n"
        "         out, _ = self.lstm(x)\n"
    )
    assert result.stderr == "Would fix 1 finding.\n"
    assert (project / "model.py").read_text() == before
    listed = rnnlint("--no-cache", "--diff", "--show-fixes", "model.py", cwd=project)
    assert listed.stderr == ("Would fix 1 finding.\nWould fix 1 finding:\n- model.py:\n"
                             "    1 x RNN001 (head-features-mismatch)\n")
    nothing = rnnlint("--no-cache", "--diff", "state.py", cwd=project)
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (0, "", "No fixes available.\n")
    stdin = rnnlint("--diff", "--stdin-filename", "model.py", cwd=project, stdin=BUGGY_HEAD)
    assert (stdin.returncode, stdin.stdout, stdin.stderr) == (1, result.stdout, "Would fix 1 finding.\n")


# --- 5. newer syntax -------------------------------------------------------------------------

NEWER = [
    ((3, 12), "type Hidden = int\n", "2:6"),
    ((3, 12), "def first[T](items: list[T]) -> T:\n    return items[0]\n", "2:10"),
    ((3, 12), "class Box[T]:\n    pass\n", "2:10"),
    ((3, 11), "try:\n    pass\nexcept* ValueError:\n    pass\n", "4:7"),
]


@pytest.mark.parametrize(("version", "code", "position"), NEWER)
def test_syntax_of_a_newer_python_names_the_version(tmp_path, version, code, position):
    (tmp_path / "model.py").write_text("import torch.nn as nn\n" + code + "rnn = nn.LSTM(2, 4)\n")
    result = rnnlint("--no-cache", "model.py", cwd=tmp_path)
    running = sys.version_info[:2]
    if running >= version:  # this Python reads the construct: the file is checked as any other
        assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")
        return
    assert result.returncode == 2
    row = int(position.split(":")[0])
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"model.py:{row}:")
    assert line.endswith(f": RNN000 uses syntax of Python {version[0]}.{version[1]}; rnnlint runs on "
                         f"{running[0]}.{running[1]}")


def test_other_syntax_errors_stay_as_they_are(tmp_path):
    (tmp_path / "model.py").write_text("import torch.nn as nn\ntype Hidden = int +\nrnn = nn.LSTM(2, 4)\n")
    result = rnnlint("--no-cache", "model.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "RNN000 syntax error: invalid syntax" in result.stdout.splitlines()[0]


def test_newer_syntax_is_recognised_by_its_construct():
    import ast

    from rnnlint._newer_syntax import newer_syntax

    def message(source):
        try:
            ast.parse(source)
        except SyntaxError as error:
            return newer_syntax(source, error)
        return "parses"

    running = sys.version_info[:2]
    if running < (3, 12):
        assert message("type Pair[T] = tuple[T, T]\n").startswith("uses syntax of Python 3.12;")
        assert message("class Box[T](Base):\n    pass\n").startswith("uses syntax of Python 3.12;")
        assert message("def f[T = int](x: T) -> T:\n    return x\n").startswith("uses syntax of Python 3.13;")
        assert message("class Box[:\n    pass\n") is None
    if running < (3, 14):
        assert message("x = t'hello {name}'\n").startswith("uses syntax of Python 3.14;")
        assert message("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n").startswith(
            "uses syntax of Python 3.14;")
    assert message("def f(:\n    pass\n") is None


# --- 6. nothing to check ---------------------------------------------------------------------


def test_an_empty_folder_warns(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no Python here\n")
    result = rnnlint("--no-cache", "empty", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "", "rnnlint: warning: No Python files found\n")
    # the warning is the one line whatever the mode, as in ruff
    for mode in (("--diff",), ("--fix",), ("--statistics",), ("--fix-only",)):
        result = rnnlint("--no-cache", *mode, "empty", cwd=tmp_path)
        assert (result.returncode, result.stdout, result.stderr) == (
            0, "", "rnnlint: warning: No Python files found\n"), mode


# --- 7. configuration ------------------------------------------------------------------------


def test_extend_select_and_extend_ignore_in_the_configuration(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nselect = [\"RNN002\"]\nextend-select = [\"RNN001\"]\n")
    assert rnnlint("--no-cache", "model.py", cwd=project).stdout == f"model.py:{RNN001}\n{ONE_FOUND}"
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nextend-ignore = [\"RNN001\"]\n")
    result = rnnlint("--no-cache", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")


def test_per_file_ignores_on_the_command_line(project):
    (project / "tests").mkdir()
    (project / "tests" / "model.py").write_text(BUGGY_HEAD)
    result = rnnlint("--no-cache", "--per-file-ignores", "tests/*:RNN001", ".", cwd=project)
    assert (result.returncode, result.stdout) == (
        1, f"model.py:{RNN001}\nFound 1 finding in 2 files checked. [*] 1 fixable with `--fix`.\n")
    bad = rnnlint("--no-cache", "--per-file-ignores", "RNN001", ".", cwd=project)
    assert (bad.returncode, bad.stderr) == (
        2, "rnnlint: error: --per-file-ignores: give GLOB:CODES, such as tests/*:RNN004 (got 'RNN001')\n")


def test_config_key_value_and_config_path(project):
    result = rnnlint("--no-cache", "--config", "ignore = ['RNN001']", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")
    result = rnnlint("--no-cache", "--config", "ignore = ['RNN001']", "--select", "RNN001", "model.py", cwd=project)
    assert result.returncode == 1  # the flags go over --config, as over the file
    bad = rnnlint("--no-cache", "--config", "ignor = ['RNN001']", "model.py", cwd=project)
    assert (bad.returncode, bad.stderr) == (2, "rnnlint: error: --config: unknown key 'ignor'; did you mean "
                                               "'ignore'?\n")
    missing = rnnlint("--no-cache", "--config", "nowhere.toml", "model.py", cwd=project)
    assert (missing.returncode, missing.stderr) == (
        2, "rnnlint: error: --config nowhere.toml: no such file, and not a KEY=VALUE setting\n")
    (project / "elsewhere.toml").write_text("ignore = [\"RNN001\"]\n")
    result = rnnlint("--no-cache", "--config", "elsewhere.toml", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed (1 file checked).\n")


def test_configuration_files_in_one_folder_take_turns_as_in_ruff(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nselect = [\"RNN002\"]\n")
    (project / "rnnlint.toml").write_text("select = [\"RNN001\"]\n")
    assert rnnlint("--no-cache", "model.py", cwd=project).returncode == 1  # rnnlint.toml over pyproject.toml
    (project / ".rnnlint.toml").write_text("ignore = [\"RNN001\"]\n")
    assert rnnlint("--no-cache", "model.py", cwd=project).returncode == 0  # .rnnlint.toml over rnnlint.toml
    isolated = rnnlint("--no-cache", "--isolated", "model.py", cwd=project)
    assert (isolated.returncode, isolated.stdout) == (1, f"model.py:{RNN001}\n{ONE_FOUND}")
    (project / ".rnnlint.toml").write_text("selct = 1\n")
    assert rnnlint("--no-cache", "model.py", cwd=project).stderr == (
        "rnnlint: error: .rnnlint.toml: unknown key 'selct'; did you mean 'select'?\n")


def test_a_pyproject_without_a_rnnlint_table_is_passed_over(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nignore = [\"RNN001\"]\n")
    (project / "pkg").mkdir()
    (project / "pkg" / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    (project / "pkg" / "model.py").write_text(BUGGY_HEAD)
    assert rnnlint("--no-cache", "pkg/model.py", cwd=project).returncode == 0


# --- 8. reporting options --------------------------------------------------------------------


def test_statistics(project):
    (project / "state.py").write_text(WHOLE_STATE)
    (project / "state2.py").write_text(WHOLE_STATE)
    result = rnnlint("--no-cache", "--statistics", ".", cwd=project)
    assert result.returncode == 1
    assert result.stdout == ("2\tRNN002\thidden-state-into-head\n1\tRNN001\t[*] head-features-mismatch\n"
                             "Found 3 findings in 3 files checked. [*] 1 fixable with `--fix`.\n")
    data = json.loads(rnnlint("--no-cache", "--statistics", "--output-format", "json", ".", cwd=project).stdout)
    assert data == [{"code": "RNN002", "name": "hidden-state-into-head", "count": 2, "fixable": False},
                    {"code": "RNN001", "name": "head-features-mismatch", "count": 1, "fixable": True}]
    lines = rnnlint("--no-cache", "--statistics", "--output-format", "json-lines", ".", cwd=project)
    assert (lines.returncode, lines.stdout) == (1, '{"code": "RNN002", "name": "hidden-state-into-head", "count": 2, '
                                                   '"fixable": false}\n{"code": "RNN001", "name": '
                                                   '"head-features-mismatch", "count": 1, "fixable": true}\n')
    full = rnnlint("--no-cache", "--statistics", "--output-format", "full", ".", cwd=project)
    assert (full.returncode, full.stdout) == (1, result.stdout)


@pytest.mark.parametrize("output_format", ["junit", "sarif", "gitlab", "pylint", "github"])
def test_statistics_with_a_report_format_is_an_error(project, output_format):
    result = rnnlint("--no-cache", "--statistics", "--output-format", output_format, ".", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"rnnlint: error: --statistics prints a table (concise, text, full) or JSON (json, json-lines), "
               f"not {output_format}: leave out one of them\n")


def test_show_settings(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nignore = [\"RNN009\"]\n")
    result = rnnlint("--show-settings", "--select", "RNN00", "model.py", cwd=project)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Settings for: model.py",
        f"Settings file: {(project / 'pyproject.toml').resolve()}",
        f"Project root: {project.resolve()}",
        f"Cache folder: {project.resolve() / '.rnnlint_cache'}",
        "Enabled rules: RNN001, RNN002, RNN003, RNN004, RNN005, RNN006, RNN007, RNN008, RNN009 (RNN000 always)",
    ]
    assert 'ignore = ["RNN009"]' in lines and 'command line: select = ["RNN00"]' in lines
    assert "respect-gitignore = true" in lines and "force-exclude = false" in lines
    isolated = rnnlint("--show-settings", "--isolated", "--extend-ignore", "RNN009", "model.py", cwd=project)
    assert isolated.returncode == 0
    assert "Settings file: none (the defaults)" in isolated.stdout.splitlines()
    assert 'command line: ignore = ["RNN009"]' in isolated.stdout.splitlines()


def test_fix_only_show_fixes_and_exit_non_zero_on_fix(project):
    (project / "state.py").write_text(WHOLE_STATE)
    result = rnnlint("--no-cache", "--fix-only", ".", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "Fixed 1 finding.\n", "")
    assert "nn.Linear(2 * hidden_size, n_classes)" in (project / "model.py").read_text()
    again = rnnlint("--no-cache", "--fix-only", ".", cwd=project)
    assert (again.returncode, again.stdout) == (0, "No findings fixed.\n")
    (project / "model.py").write_text(BUGGY_HEAD)
    shown = rnnlint("--no-cache", "--fix", "--show-fixes", "--exit-non-zero-on-fix", "model.py", cwd=project)
    assert (shown.returncode, shown.stdout) == (
        1, "Fixed 1 finding. All checks passed (1 file checked).\n"
           "Fixed 1 finding:\n- model.py:\n    1 x RNN001 (head-features-mismatch)\n")
    (project / "model.py").write_text(BUGGY_HEAD)
    plain = rnnlint("--no-cache", "--fix", "model.py", cwd=project)
    assert (plain.returncode, plain.stdout) == (0, "Fixed 1 finding. All checks passed (1 file checked).\n")


def test_output_file_silent_and_version(project):
    result = rnnlint("--no-cache", "--output-file", "report.txt", "model.py", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")
    assert (project / "report.txt").read_text() == f"model.py:{RNN001}\n{ONE_FOUND}"
    silent = rnnlint("--no-cache", "--silent", "model.py", cwd=project)
    assert (silent.returncode, silent.stdout, silent.stderr) == (1, "", "")
    (project / "empty").mkdir()
    assert rnnlint("--no-cache", "-s", "empty", cwd=project).stderr == ""
    from rnnlint import __version__

    for flag in ("-V", "--version"):
        version = rnnlint(flag, cwd=project)
        assert (version.returncode, version.stdout) == (0, f"rnnlint {__version__}\n")


# --- 9. discoverability ----------------------------------------------------------------------


def test_help_lists_the_commands(tmp_path):
    result = rnnlint("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: rnnlint [check] [OPTIONS] [PATH ...]\n       rnnlint shapes ")
    assert ("commands:\n"
            "  check    check files and folders (the default: `rnnlint PATH` is `rnnlint check PATH`)\n"
            "  shapes   print the layers and the symbolic shape of each forward line\n"
            "  rule     print a rule's documentation (--all for every rule)\n"
            "  server   the language server for editors (needs the lsp extra)\n") in result.stdout


def test_options_before_the_command(project):
    result = rnnlint("-q", "--no-cache", "check", "model.py", cwd=project)
    assert (result.returncode, result.stdout) == (1, f"model.py:{RNN001}\n")
    shapes = rnnlint("-q", "shapes", "model.py", cwd=project)
    assert shapes.returncode == 0 and shapes.stdout.startswith("model.py: class ")
    rule = rnnlint("-q", "rule", "RNN001", cwd=project)
    assert rule.returncode == 0 and rule.stdout.startswith("# RNN001 head-features-mismatch\n")
    mixed = rnnlint("model.py", "--no-cache", "-q", cwd=project)  # options after the paths
    assert (mixed.returncode, mixed.stdout) == (1, f"model.py:{RNN001}\n")


def test_misspelt_options_and_commands_get_the_nearest_one(project):
    cases = [
        (("--selct", "RNN001", "model.py"), "rnnlint: error: unrecognized option --selct; did you mean --select?\n"),
        (("--statistic", "model.py"), "rnnlint: error: unrecognized option --statistic; did you mean --statistics?\n"),
        (("--fixx=1", "model.py"), "rnnlint: error: unrecognized option --fixx; did you mean --fix?\n"),
        (("shape", "model.py"), "rnnlint: error: shape: no such file or directory; did you mean the command "
                                "`rnnlint shapes`?\n"),
        (("rule", "--al"), "rnnlint: error: unrecognized option --al; did you mean --all?\n"),
        (("rule", "RNN101"), "rnnlint: error: unknown rule 'RNN101'; did you mean RNN001?\n"),
        (("rule", "head-feature-mismatch"), "rnnlint: error: unknown rule 'head-feature-mismatch'; did you mean "
                                            "RNN001 (head-features-mismatch)?\n"),
        (("rule", "RNN1000"), "rnnlint: error: unknown rule 'RNN1000'; did you mean RNN100?\n"),
        (("rule", "RNN01"), "rnnlint: error: unknown rule 'RNN01'; did you mean RNN001?\n"),
        (("rul", "RNN001"), "rnnlint: error: rul: no such file or directory; did you mean the command "
                            "`rnnlint rule`?\n"),
        (("servr",), "rnnlint: error: servr: no such file or directory; did you mean the command `rnnlint server`?\n"),
        # the command's own options after a misspelt command: the command is named, not the option
        (("shape", "--format", "json", "model.py"), "rnnlint: error: shape: no such file or directory; did you mean "
                                                    "the command `rnnlint shapes`?\n"),
        (("-q", "rulle", "--all"), "rnnlint: error: rulle: no such file or directory; did you mean the command "
                                   "`rnnlint rule`?\n"),
        (("--output-format", "jsn", "model.py"), "rnnlint: error: --output-format: invalid choice 'jsn'; did you mean "
                                                 "json?\n"),
        (("rule", "--output-format", "jsn", "RNN001"), "rnnlint: error: --output-format: invalid choice 'jsn'; did you "
                                                       "mean json?\n"),
        (("shapes", "--format", "htm", "model.py"), "rnnlint: error: --format: invalid choice 'htm'; did you mean "
                                                    "html?\n"),
        (("--select", "RNN0011", "model.py"), "rnnlint: error: --select: not a rule code or prefix: 'RNN0011'; did you "
                                              "mean RNN001?\n"),
        # a prefix that no rule code starts with would select or skip nothing
        (("--extend-select", "RNN99", "model.py"), "rnnlint: error: --extend-select: no rule code starts with RNN99\n"),
        (("--per-file-ignores", "x.py:RNN91", "model.py"), "rnnlint: error: --per-file-ignores: no rule code starts "
                                                           "with RNN91; did you mean RNN01?\n"),
    ]
    for args, message in cases:
        result = rnnlint(*args, cwd=project)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message), args


def test_rule_takes_one_of_a_code_all_and_table(tmp_path):
    # as `ruff rule --all F401` is an error: which one was meant is not known
    for args, given in ((("--all", "RNN001"), "CODE and --all"), (("--table", "RNN001"), "CODE and --table"),
                        (("--all", "--table"), "--all and --table")):
        result = rnnlint("rule", *args, cwd=tmp_path)
        assert (result.returncode, result.stdout, result.stderr) == (
            2, "", f"rnnlint: error: rnnlint rule: {given} cannot be used together\n"), args
    # RNN000 is in the output of a run but has no documentation: say what it is, suggest no rule
    nothing = rnnlint("rule", "rnn000", cwd=tmp_path)
    assert (nothing.returncode, nothing.stdout) == (2, "") and "RNN001" not in nothing.stderr
    assert nothing.stderr.startswith("rnnlint: error: RNN000 is no rule: it reports a file that could not be read")
    table = rnnlint("rule", "--table", "--output-format", "json", cwd=tmp_path)
    assert (table.returncode, table.stdout) == (2, "") and table.stderr.count("\n") == 1
    assert rnnlint("rule", "--table", cwd=tmp_path).stdout.startswith("| Code | Name |")


def test_rule_all_as_json(tmp_path):
    from rnnlint.rules import ALL_RULES

    result = rnnlint("rule", "--all", "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 0
    items = json.loads(result.stdout)
    assert [item["code"] for item in items] == [rule.CODE for rule in ALL_RULES]
    first = items[0]
    assert set(first) == {"code", "name", "summary", "message", "fix", "explanation", "url"}
    assert first["name"] == "head-features-mismatch" and first["fix"] == "available"
    assert "## What it does" in first["explanation"] and first["url"].endswith("/docs/rules/RNN001.md")
    one = json.loads(rnnlint("rule", "RNN002", "--output-format", "json", cwd=tmp_path).stdout)
    assert one["code"] == "RNN002" and one["fix"] == "none"


# --- 10. the cache ---------------------------------------------------------------------------


def test_the_cache_lives_at_the_project_root(project):
    (project / "pyproject.toml").write_text("[tool.rnnlint]\n")
    (project / "src").mkdir()
    (project / "src" / "model.py").write_text(BUGGY_HEAD)
    result = rnnlint("model.py", cwd=project / "src")
    assert result.returncode == 1
    assert (project / ".rnnlint_cache").is_dir()
    assert not (project / "src" / ".rnnlint_cache").exists()
    (project / "pyproject.toml").write_text("[tool.rnnlint]\ncache-dir = \"var/cache\"\n")
    assert rnnlint("model.py", cwd=project / "src").returncode == 1
    assert (project / "var" / "cache").is_dir()


# --- 11. the README --------------------------------------------------------------------------


def test_readme_options_table_is_the_parser():
    from rnnlint.cli import options_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- options-table")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- end options-table -->")
    assert readme[start:end].strip() == options_table()


# --- more of the same: flags over the file -------------------------------------------------


def test_exclude_flags_over_the_configuration(project):
    (project / "third_party").mkdir()
    (project / "third_party" / "model.py").write_text(BUGGY_HEAD)
    (project / "pyproject.toml").write_text("[tool.rnnlint]\nextend-exclude = [\"third_party\"]\n")
    assert len(rnnlint("--show-files", ".", cwd=project).stdout.splitlines()) == 1
    replaced = rnnlint("--show-files", "--exclude", "nothing_here", ".", cwd=project)
    assert replaced.stdout == f"{project / 'model.py'}\n{project / 'third_party' / 'model.py'}\n"
    extended = rnnlint("--show-files", "--extend-exclude", "model.py", ".", cwd=project)
    assert (extended.returncode, extended.stdout, extended.stderr) == (0, "", "rnnlint: warning: No Python files "
                                                                              "found\n")


def test_unsafe_fixes_flag_over_the_configuration(tmp_path):
    from conftest import without_markers

    source = without_markers((ROOT / "examples" / "rnn009_dropout_without_layers" / "buggy.py").read_text())
    (tmp_path / "model.py").write_text(source)  # its fix is unsafe
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\nunsafe-fixes = true\n")
    unsafe = rnnlint("--no-cache", "--diff", "model.py", cwd=tmp_path)
    assert (unsafe.returncode, unsafe.stderr) == (1, "Would fix 1 finding.\n")
    safe = rnnlint("--no-cache", "--diff", "--no-unsafe-fixes", "model.py", cwd=tmp_path)
    assert (safe.returncode, safe.stdout, safe.stderr) == (0, "", "No fixes available.\n")


def test_a_nested_repository_keeps_its_own_gitignore(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("model.py\n")
    (tmp_path / "vendored" / ".git").mkdir(parents=True)
    for folder in (tmp_path, tmp_path / "vendored"):
        (folder / "model.py").write_text(BUGGY_HEAD)
    (tmp_path / ".git" / "info").mkdir()
    (tmp_path / ".git" / "info" / "exclude").write_text("other.py\n")
    (tmp_path / "other.py").write_text(BUGGY_HEAD)
    result = rnnlint("--show-files", ".", cwd=tmp_path)
    assert result.stdout == f"{tmp_path / 'vendored' / 'model.py'}\n"


def test_stdin_fix_only_prints_the_fixed_code_and_exits_zero(tmp_path):
    result = rnnlint("--fix-only", "--stdin-filename", "model.py", cwd=tmp_path, stdin=BUGGY_HEAD)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == BUGGY_HEAD.replace("nn.Linear(hidden_size, n_classes)", "nn.Linear(2 * hidden_size, "
                                                                                    "n_classes)")


def test_closed_stdin_is_an_error_not_a_traceback(project):
    for args in (("--stdin-filename", "x.py"), ("-",)):
        result = subprocess.run([sys.executable, "-m", "rnnlint", *args], stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, cwd=project, timeout=60, preexec_fn=lambda: os.close(0))
        assert (result.returncode, result.stdout, result.stderr) == (
            2, "", "rnnlint: error: standard input is closed: there is no code to read from it\n"), args


def test_the_editor_server_excludes_what_force_exclude_excludes(tmp_path):
    pytest.importorskip("pygls")  # the lsp extra
    from rnnlint._config import Config, find_config, load_config
    from rnnlint._server import _excluded

    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("scratch/\nold_*.py\n")
    (tmp_path / "pyproject.toml").write_text('[tool.rnnlint]\nextend-exclude = ["vendored/*.py"]\n')
    names = ["scratch/model.py", "old_model.py", "vendored/model.py", "src/model.py", ".venv/lib/model.py"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BUGGY_HEAD)
    config = load_config(find_config(tmp_path))
    assert [name for name in names if _excluded(tmp_path / name, config)] == [
        "scratch/model.py", "old_model.py", "vendored/model.py", ".venv/lib/model.py"]
    # the command line with --force-exclude leaves out the same files, and checks the other
    result = rnnlint("--no-cache", "--force-exclude", "-q", *names, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, f"src/model.py:{RNN001}\n")
    assert not _excluded(tmp_path / "old_model.py", Config(respect_gitignore=False))


# --- the nearest configuration file of each file ---------------------------------------------


@pytest.fixture
def nested(tmp_path):
    """A project whose sub-folders carry configuration files of their own."""
    (tmp_path / "pyproject.toml").write_text("[tool.rnnlint]\n")
    (tmp_path / "model.py").write_text(BUGGY_HEAD)
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "rnnlint.toml").write_text('ignore = ["RNN001"]\n')
    (tmp_path / "sub" / "model.py").write_text(BUGGY_HEAD)
    (tmp_path / "sub" / "deeper" / "model.py").write_text(BUGGY_HEAD)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / ".rnnlint.toml").write_text('extend-exclude = ["skipped.py"]\n')
    (tmp_path / "other" / "model.py").write_text(BUGGY_HEAD)
    (tmp_path / "other" / "skipped.py").write_text(BUGGY_HEAD)
    return tmp_path


def _reported(result) -> list:
    return [line.split(":", 1)[0] for line in result.stdout.splitlines()]


def test_each_file_is_checked_with_its_nearest_configuration(nested):
    result = rnnlint("--no-cache", ".", cwd=nested)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (f"model.py:{RNN001}\nother/model.py:{RNN001}\n"
                             "Found 2 findings in 4 files checked. [*] 2 fixable with `--fix`.\n")
    # several paths: each file its own, whichever path comes first
    several = rnnlint("--no-cache", "-q", "sub/model.py", "model.py", "sub/deeper", cwd=nested)
    assert (several.returncode, several.stdout) == (1, f"model.py:{RNN001}\n")
    # a folder named on the command line is walked with its own configuration too
    assert rnnlint("--no-cache", "-q", "other", cwd=nested).stdout == f"other/model.py:{RNN001}\n"
    inside = rnnlint("--no-cache", ".", cwd=nested / "sub")
    assert (inside.returncode, inside.stdout) == (0, "All checks passed (2 files checked).\n")


def test_config_file_and_isolated_give_every_file_one_configuration(nested):
    every = ["model.py", "other/model.py", "other/skipped.py", "sub/deeper/model.py", "sub/model.py"]
    named = rnnlint("--no-cache", "-q", "--config", "pyproject.toml", ".", cwd=nested)
    assert (named.returncode, _reported(named)) == (1, every)
    isolated = rnnlint("--no-cache", "-q", "--isolated", ".", cwd=nested)
    assert (isolated.returncode, _reported(isolated)) == (1, every)
    only_sub = rnnlint("--no-cache", "-q", "--config", "sub/rnnlint.toml", ".", cwd=nested)
    assert (only_sub.returncode, only_sub.stdout) == (0, "")


def test_the_command_line_is_layered_over_every_configuration_file(nested):
    selected = rnnlint("--no-cache", "-q", "--select", "RNN001", ".", cwd=nested)
    assert _reported(selected) == ["model.py", "other/model.py", "sub/deeper/model.py", "sub/model.py"]
    setting = rnnlint("--no-cache", "-q", "--config", "extend-exclude = ['deeper']", "--extend-select", "RNN001",
                      ".", cwd=nested)
    # the setting replaces each file's own `extend-exclude`: other/skipped.py is checked again
    assert _reported(setting) == ["model.py", "other/model.py", "other/skipped.py", "sub/model.py"]
    ignored = rnnlint("--no-cache", "--extend-ignore", "RNN001", ".", cwd=nested)
    assert (ignored.returncode, ignored.stdout) == (0, "All checks passed (4 files checked).\n")


def test_show_settings_and_errors_name_the_nearest_configuration_file(nested):
    shown = rnnlint("--show-settings", "sub/deeper/model.py", cwd=nested)
    assert shown.returncode == 0
    assert f"Settings file: {(nested / 'sub' / 'rnnlint.toml').resolve()}\n" in shown.stdout
    assert 'ignore = ["RNN001"]\n' in shown.stdout
    (nested / "sub" / "rnnlint.toml").write_text('ignore = ["RNN999"]\n')
    broken = rnnlint("--no-cache", ".", cwd=nested)
    assert (broken.returncode, broken.stdout, broken.stderr) == (
        2, "", "rnnlint: error: sub/rnnlint.toml: ignore: unknown code RNN999\n")


def test_the_cache_keys_each_file_by_its_own_configuration(nested):
    first = rnnlint("-q", ".", cwd=nested)
    assert (first.returncode, _reported(first)) == (1, ["model.py", "other/model.py"])
    assert rnnlint("-q", ".", cwd=nested).stdout == first.stdout  # from the cache
    (nested / "sub" / "rnnlint.toml").write_text('ignore = ["RNN002"]\n')
    changed = rnnlint("-q", ".", cwd=nested)
    assert _reported(changed) == ["model.py", "other/model.py", "sub/deeper/model.py", "sub/model.py"]


def test_shapes_walks_folders_with_each_folder_s_configuration(nested):
    result = rnnlint("shapes", ".", cwd=nested)
    assert result.returncode == 0
    shown = [line.split(":", 1)[0] for line in result.stdout.splitlines() if ": class " in line]
    assert shown == ["model.py", "other/model.py", "sub/deeper/model.py", "sub/model.py"]  # not other/skipped.py
