"""Every `--output-format`, asserted on its exact output; SARIF against a schema, JUnit parsed
back; colour on a terminal only."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rnnlint import _render
from rnnlint._finding import Edit, Finding, Fix

from conftest import ROOT, run_rnnlint

BUGGY_HEAD = ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py"
URL = "https://github.com/rnnlint/rnnlint/blob/main/docs/rules/"

SOURCE = (
    "import torch.nn as nn\n"
    "\n"
    "class M(nn.Module):\n"
    "    def __init__(self):\n"
    "        self.lstm = nn.LSTM(8, 16, bidirectional=True, dropout=0.5)\n"
    "        self.fc = nn.Linear(16, 2)\n"
)
FIXED = Finding("m.py", 6, 18, "RNN001", "`self.fc` takes 16 input features, but receives 32",
                name="head-features-mismatch", end_row=6, end_column=34,
                fix=Fix("Build `self.fc` with 32 input features", True, (Edit("32", 6, 28, 6, 30),)),
                help="build the head with 32 input features")
# two findings on one row: whatever order they come in, every format prints them in one order
FIRST = Finding("m.py", 5, 20, "RNN009", "`dropout=0.5` does nothing with one layer", name="dropout-without-layers",
                end_row=5, end_column=67, fix=Fix("Remove `dropout=0.5`", False, (Edit("", 5, 53, 5, 66),)))
SECOND = Finding("m.py", 5, 54, "RNN011", "`dropout` is a float in [0, 1]", name="invalid-rnn-argument",
                 end_row=5, end_column=65)
FINDINGS = [FIXED, SECOND, FIRST]


def test_concise_is_one_line_a_finding_with_the_fix_marker_and_text_is_its_alias():
    expected = (
        "m.py:5:21: RNN009 `dropout=0.5` does nothing with one layer\n"
        "m.py:5:55: RNN011 `dropout` is a float in [0, 1]\n"
        "m.py:6:19: RNN001 [*] `self.fc` takes 16 input features, but receives 32"
    )
    assert _render.render("concise", FINDINGS) == expected
    assert _render.render("text", FINDINGS) == expected


def test_full_shows_two_rows_around_the_span_a_caret_under_it_and_the_help():
    expected = (
        "m.py:6:19: RNN001 [*] `self.fc` takes 16 input features, but receives 32\n"
        "  |\n"
        "4 |     def __init__(self):\n"
        "5 |         self.lstm = nn.LSTM(8, 16, bidirectional=True, dropout=0.5)\n"
        "6 |         self.fc = nn.Linear(16, 2)\n"
        "  |                   ^^^^^^^^^^^^^^^^ RNN001\n"
        "  |\n"
        "  = help: build the head with 32 input features\n"
        "  = fix: Build `self.fc` with 32 input features"
    )
    assert _render.render("full", [FIXED], {"m.py": SOURCE}) == expected


def test_full_in_a_notebook_shows_the_rows_of_the_cell():
    finding = Finding("nb.ipynb", 1, 4, "RNN001", "m", cell=3, end_row=1, end_column=6)
    out = _render.full([finding], {"nb.ipynb": {2: "a = 1\n", 3: "b = cc\nx\n"}})
    assert out == "nb.ipynb:cell 3:1:5: RNN001 m\n  |\n1 | b = cc\n  |     ^^ RNN001\n2 | x\n  |"


def test_full_keeps_carets_under_the_span_after_a_tab():
    finding = Finding("t.py", 1, 5, "RNN004", "m", end_row=1, end_column=8)
    out = _render.full([finding], {"t.py": "\tx = abc\n"})
    assert out.splitlines()[2:4] == ["1 |     x = abc", "  |         ^^^ RNN004"]


def test_json_carries_cell_noqa_row_and_the_rule_url():
    records = json.loads(_render.render("json", FINDINGS))
    assert [(r["code"], r["location"], r["noqa_row"], r["url"], r["cell"]) for r in records] == [
        ("RNN009", {"row": 5, "column": 21}, 5, URL + "RNN009.md", None),
        ("RNN011", {"row": 5, "column": 55}, 5, URL + "RNN011.md", None),
        ("RNN001", {"row": 6, "column": 19}, 6, URL + "RNN001.md", None),
    ]
    assert records[2]["fix"] == {"applicability": "safe", "message": "Build `self.fc` with 32 input features",
                                 "edits": [{"content": "32", "location": {"row": 6, "column": 29},
                                            "end_location": {"row": 6, "column": 31}}]}
    assert records[0]["fix"]["applicability"] == "unsafe"
    unreadable = Finding("x.py", 1, 0, "RNN000", "syntax error: invalid syntax", name="syntax-error")
    (record,) = json.loads(_render.as_json([unreadable]))
    assert record["url"] is None and record["end_location"] == {"row": 1, "column": 1}


def test_json_lines_is_one_json_object_a_line_with_the_json_fields():
    lines = _render.render("json-lines", FINDINGS).splitlines()
    assert [json.loads(line) for line in lines] == json.loads(_render.as_json(FINDINGS))
    assert _render.render("json-lines", []) == ""


def test_pylint_is_path_row_code_message():
    notebook = Finding("nb.ipynb", 7, 18, "RNN001", "m", cell=3)
    assert _render.render("pylint", FINDINGS + [notebook]) == (
        "m.py:5: [RNN009] `dropout=0.5` does nothing with one layer\n"
        "m.py:5: [RNN011] `dropout` is a float in [0, 1]\n"
        "m.py:6: [RNN001] `self.fc` takes 16 input features, but receives 32\n"
        "nb.ipynb:cell 3:7: [RNN001] m"
    )


def test_every_format_prints_findings_of_one_row_in_one_order():
    for name in _render.FORMAT_NAMES:
        outputs = {_render.render(name, order, {"m.py": SOURCE}) for order in
                   (FINDINGS, list(reversed(FINDINGS)), [FIRST, FIXED, SECOND])}
        assert len(outputs) == 1, name


def test_junit_parses_back_with_a_failure_per_finding_and_an_error_per_unreadable_file():
    unreadable = Finding("bad.py", 2, 4, "RNN000", "syntax error: invalid syntax", name="syntax-error")
    root = ET.fromstring(_render.render("junit", FINDINGS + [unreadable]))
    assert root.tag == "testsuites" and root.attrib == {"name": "rnnlint", "tests": "4", "failures": "3",
                                                       "errors": "1"}
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert sorted(suites) == ["bad.py", "m.py"]
    cases = list(suites["m.py"].iter("testcase"))
    assert [(case.get("name"), case.get("line"), case.get("column")) for case in cases] == [
        ("RNN009 dropout-without-layers", "5", "21"), ("RNN011 invalid-rnn-argument", "5", "55"),
        ("RNN001 head-features-mismatch", "6", "19")]
    failure = cases[2].find("failure")
    assert failure.get("message") == FIXED.message and failure.get("type") == "RNN001"
    assert failure.text == "line 6, column 19: " + FIXED.message
    (error,) = suites["bad.py"].iter("error")
    assert error.text == "line 2, column 5: syntax error: invalid syntax"
    clean = ET.fromstring(_render.junit([]))
    assert clean.get("failures") == "0" and [case.get("name") for case in clean.iter("testcase")] == ["No findings"]


def _sarif_schema():
    return json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-code-scanning.schema.json").read_text())


def test_sarif_is_valid_against_the_official_schema():
    """The SARIF 2.1.0 schema as published with the standard: CI fetches it from the npm registry
    (`.ci/run` sets RNNLINT_SARIF_SCHEMA); it is not kept in the checkout."""
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = os.environ.get("RNNLINT_SARIF_SCHEMA")
    if not schema_file or not Path(schema_file).is_file():
        pytest.skip("set RNNLINT_SARIF_SCHEMA to the SARIF 2.1.0 schema (sarif-2.1.0-rtm.5.json)")
    schema = json.loads(Path(schema_file).read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    notebook = Finding("notebooks/a b.ipynb", 7, 18, "RNN001", "m", cell=3, end_row=7, end_column=20)
    log = json.loads(_render.render("sarif", FINDINGS + [notebook]))
    assert [error.message for error in validator.iter_errors(log)] == []
    assert log["runs"][0]["results"], "the log checked holds results"
    # the check can fail: a level the standard does not define
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(log))


def test_sarif_is_valid_and_holds_what_github_code_scanning_requires():
    jsonschema = pytest.importorskip("jsonschema")
    notebook = Finding("notebooks/a b.ipynb", 7, 18, "RNN001", "m", cell=3, end_row=7, end_column=20)
    log = json.loads(_render.render("sarif", FINDINGS + [notebook]))
    validator = jsonschema.Draft7Validator(_sarif_schema(), format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(log)) == []
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "rnnlint" and [rule["id"] for rule in driver["rules"]] == ["RNN001", "RNN009", "RNN011"]
    assert driver["rules"][0]["helpUri"] == URL + "RNN001.md"
    assert driver["rules"][0]["help"]["text"].startswith("# RNN001 head-features-mismatch")
    # each result points at its rule by id and index, with a file, a line and a column
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]) for r in run["results"]] == [
        ("RNN009", "m.py", {"startLine": 5, "startColumn": 21, "endLine": 5, "endColumn": 68}),
        ("RNN011", "m.py", {"startLine": 5, "startColumn": 55, "endLine": 5, "endColumn": 66}),
        ("RNN001", "m.py", {"startLine": 6, "startColumn": 19, "endLine": 6, "endColumn": 35}),
        ("RNN001", "notebooks/a%20b.ipynb", {"startLine": 7, "startColumn": 19, "endLine": 7, "endColumn": 21}),
    ]
    assert run["results"][3]["message"]["text"] == "cell 3: m" and run["results"][3]["properties"] == {"cell": 3}
    fix = run["results"][2]["fixes"][0]
    assert fix["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"startLine": 6, "startColumn": 29, "endLine": 6, "endColumn": 31},
         "insertedContent": {"text": "32"}}]


def test_the_sarif_check_can_fail():
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(_render.sarif(FINDINGS))
    validator = jsonschema.Draft7Validator(_sarif_schema())
    for break_it in (lambda log: log.update(version="2.0.0"),
                     lambda log: log["runs"][0]["results"][0].pop("locations"),
                     lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                     .update(startLine=0),
                     lambda log: log["runs"][0]["tool"]["driver"]["rules"][0].pop("shortDescription")):
        broken = json.loads(json.dumps(log))
        break_it(broken)
        assert list(validator.iter_errors(broken)), break_it


def test_sarif_without_findings_is_a_valid_empty_run_and_an_unreadable_file_a_valid_result():
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(_render.sarif([]))
    jsonschema.validate(log, _sarif_schema())
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
    unreadable = Finding("/abs/bad file.py", 2, 4, "RNN000", "syntax error: invalid syntax", name="syntax-error")
    log = json.loads(_render.sarif([unreadable]))
    jsonschema.validate(log, _sarif_schema(), format_checker=jsonschema.FormatChecker())
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["id"] == "RNN000" and "helpUri" not in rule
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "file:///abs/bad%20file.py"


def test_gitlab_code_quality_report_has_the_required_fields_and_stable_fingerprints():
    records = json.loads(_render.render("gitlab", FINDINGS))
    assert [set(record) for record in records] == [{"description", "check_name", "fingerprint", "severity",
                                                    "location"}] * 3
    assert [(r["check_name"], r["severity"], r["location"]) for r in records] == [
        ("RNN009", "major", {"path": "m.py", "lines": {"begin": 5, "end": 5}}),
        ("RNN011", "major", {"path": "m.py", "lines": {"begin": 5, "end": 5}}),
        ("RNN001", "major", {"path": "m.py", "lines": {"begin": 6, "end": 6}}),
    ]
    assert records[2]["description"] == "RNN001 `self.fc` takes 16 input features, but receives 32"
    fingerprints = [record["fingerprint"] for record in records]
    assert len(set(fingerprints)) == 3 and all(len(value) == 64 for value in fingerprints)
    # the same finding two rows lower keeps its fingerprint; a second one like it gets its own
    moved = Finding("m.py", 8, 18, "RNN001", FIXED.message)
    assert json.loads(_render.gitlab([moved]))[0]["fingerprint"] == fingerprints[2]
    twice = json.loads(_render.gitlab([FIXED, moved]))
    assert twice[0]["fingerprint"] == fingerprints[2] and twice[1]["fingerprint"] != fingerprints[2]


def test_colour_marks_path_code_and_fix_marker():
    out = _render.concise([FIXED], colour=True)
    assert out == ("\x1b[1mm.py\x1b[0m:6:19: \x1b[1m\x1b[31mRNN001\x1b[0m \x1b[36m[*]\x1b[0m "
                   "`self.fc` takes 16 input features, but receives 32")
    assert "\x1b[" not in _render.concise([FIXED], colour=False)


class _Terminal:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_colour_only_on_a_terminal_and_the_environment_decides_first():
    assert _render.use_colour(_Terminal(True), {}) is True
    assert _render.use_colour(_Terminal(False), {}) is False
    assert _render.use_colour(_Terminal(True), {"NO_COLOR": "1"}) is False
    assert _render.use_colour(_Terminal(False), {"FORCE_COLOR": "1"}) is True
    assert _render.use_colour(_Terminal(True), {"NO_COLOR": "1", "FORCE_COLOR": "1"}) is False
    assert _render.use_colour(_Terminal(True), {"TERM": "dumb"}) is False
    # any value but the empty string forces colour (force-color.org), "0" and "false" too;
    # NO_COLOR likewise counts when not empty (no-color.org)
    for value in ("0", "false", "no", "3"):
        assert _render.use_colour(_Terminal(False), {"FORCE_COLOR": value}) is True
        assert _render.use_colour(_Terminal(True), {"NO_COLOR": value}) is False
        assert _render.use_colour(_Terminal(False), {"NO_COLOR": value, "FORCE_COLOR": value}) is False
    assert _render.use_colour(_Terminal(False), {"FORCE_COLOR": ""}) is False
    assert _render.use_colour(_Terminal(True), {"NO_COLOR": ""}) is True
    assert _render.use_colour(_Terminal(True), {"NO_COLOR": "", "FORCE_COLOR": ""}) is True


def _run_with_environment(*args, **environ):
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(environ)
    return subprocess.run([sys.executable, "-m", "rnnlint", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120)


def test_force_color_colours_piped_output_and_no_color_wins():
    plain = _run_with_environment("--no-cache", BUGGY_HEAD)
    assert "\x1b[" not in plain.stdout and plain.returncode == 1
    coloured = _run_with_environment("--no-cache", BUGGY_HEAD, FORCE_COLOR="1")
    assert f"\x1b[1m{BUGGY_HEAD}\x1b[0m:19:19: \x1b[1m\x1b[31mRNN001\x1b[0m \x1b[36m[*]\x1b[0m" in coloured.stdout
    assert _run_with_environment("--no-cache", BUGGY_HEAD, FORCE_COLOR="1", NO_COLOR="1").stdout == plain.stdout
    # machine formats are never coloured
    data = _run_with_environment("--no-cache", "--output-format", "json", BUGGY_HEAD, FORCE_COLOR="1").stdout
    assert "\x1b[" not in data and json.loads(data)[0]["code"] == "RNN001"


@pytest.mark.parametrize("name", ["concise", "text", "full"])
def test_the_reading_formats_end_with_the_summary(name):
    result = run_rnnlint("--no-cache", "--output-format", name, BUGGY_HEAD)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "Found 1 finding in 1 file checked. [*] 1 fixable with `--fix`."


@pytest.mark.parametrize("name", ["json", "json-lines", "junit", "sarif", "gitlab", "pylint", "github"])
def test_the_machine_formats_print_the_findings_alone(name):
    result = run_rnnlint("--no-cache", "--output-format", name, BUGGY_HEAD)
    assert result.returncode == 1
    assert result.stdout == _render.render(name, _lint(BUGGY_HEAD)) + "\n"


def _lint(path):
    from rnnlint import lint_paths

    return [finding for finding in lint_paths([path])]


def test_an_unknown_format_is_a_one_line_error():
    result = run_rnnlint("--output-format", "xml", BUGGY_HEAD)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr == ("rnnlint: error: --output-format: invalid choice 'xml' (choose from concise, text, "
                             "full, json, json-lines, junit, sarif, gitlab, pylint, github)\n")


def test_the_readme_documents_every_format_and_pyproject_names_the_addresses():
    import re
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Output formats"):readme.index("### Configuration")]
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE)
    assert sorted(documented) == sorted(set(_render.FORMAT_NAMES) - {"text"})
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    from rnnlint import _links

    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls == {"Homepage": _links.HOMEPAGE, "Documentation": _links.DOCS_BASE_URL,
                    "Changelog": _links.CHANGELOG_URL, "Issues": _links.ISSUES_URL}
    assert _links.rule_url("RNN004") == urls["Documentation"] + "RNN004.md"


def test_full_shows_the_source_also_when_the_findings_come_from_the_cache(tmp_path):
    (tmp_path / "m.py").write_text(BUGGY_HEAD.read_text())
    cache = tmp_path / "cache"
    first = run_rnnlint("--cache-dir", cache, "--output-format", "full", "m.py", cwd=tmp_path)
    second = run_rnnlint("--cache-dir", cache, "--output-format", "full", "m.py", cwd=tmp_path)
    assert any(cache.rglob("*")), "the second run read the cache"
    assert "19 |         self.fc = nn.Linear(hidden_size, n_classes)" in first.stdout
    assert second.stdout == first.stdout


def test_full_underlines_a_span_over_several_rows_to_the_end_of_its_first_row_and_skips_missing_source():
    finding = Finding("s.py", 1, 4, "RNN011", "m", end_row=2, end_column=3)
    assert _render.full([finding], {"s.py": "x = f(a,   \n  b)\n"}).splitlines()[2:4] == [
        "1 | x = f(a,", "  |     ^^^^ RNN011"]
    unreadable = Finding("gone.py", 3, 0, "RNN000", "cannot read file: no such file or directory")
    assert _render.full([unreadable], {}) == "gone.py:3:1: RNN000 cannot read file: no such file or directory"


def _on_a_terminal(*args, cwd, **environ) -> str:
    """What rnnlint prints on a real terminal (a pseudo-terminal as its stdout)."""
    import pty
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(environ)
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "rnnlint", *map(str, args)], stdout=secondary,
                                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=cwd, env=env)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal is closed once the program has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=120) == 1
    finally:
        os.close(primary)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="pseudo-terminals are a POSIX facility")
def test_a_real_terminal_is_coloured_and_an_output_file_never_is(tmp_path):
    (tmp_path / "model.py").write_text(BUGGY_HEAD.read_text())
    line = ("\x1b[1mmodel.py\x1b[0m:19:19: \x1b[1m\x1b[31mRNN001\x1b[0m \x1b[36m[*]\x1b[0m `self.fc` takes "
            "`hidden_size` input features, but receives `2*hidden_size` from bidirectional `self.lstm`\n")
    summary = "Found 1 finding in 1 file checked. [*] 1 fixable with `--fix`.\n"
    assert _on_a_terminal("--no-cache", "model.py", cwd=tmp_path) == line + summary
    plain = "model.py:19:19: RNN001 [*]" + line.split("[*]\x1b[0m", 1)[1]
    assert _on_a_terminal("--no-cache", "model.py", cwd=tmp_path, NO_COLOR="1") == plain + summary
    # the report goes to a file: no colour there, even though stdout is a terminal
    assert _on_a_terminal("--no-cache", "model.py", "--output-file", "report.txt", cwd=tmp_path) == ""
    assert (tmp_path / "report.txt").read_text() == plain + summary
