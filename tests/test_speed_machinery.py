"""The machinery that makes large runs cheap: prefilter, cache, parallel workers.

None of these tests time anything (benchmarks under bench/ print figures); they prove the
shortcuts never change what is reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnnlint._config import Config
from rnnlint._engine import (
    _RECURRENT_GETATTR,
    _RECURRENT_WORD,
    check_source,
    getattr_of_nn,
    names_recurrent_kind,
    needs_analysis,
)
from rnnlint._runner import Cache, RunOptions, run
from rnnlint.rules import ALL_RULES

from conftest import ROOT, bench_package, run_rnnlint

CORPUS_FILES = sorted((ROOT / "tests" / "corpus").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))


def _rule_example_sources():
    for rule in ALL_RULES:
        yield from rule.VALID
        for example in rule.INVALID:
            yield example.code


def _torch_sources():
    """torch's own files that mention a recurrent module: where the word test and the
    tighter tests disagree, so where a lossy prefilter would show."""
    try:
        import torch
    except ImportError:  # the linter's own install has no torch: nothing to compare there
        return []
    root = Path(torch.__file__).parent
    chosen = []
    for path in sorted(root.rglob("*.py")):
        data = path.read_bytes()
        if b"RNN" in data or b"LSTM" in data or b"GRU" in data:
            chosen.append(path)
    return chosen


def _agree(source: str, path: str) -> None:
    filtered = check_source(source, path, Config())
    unfiltered = check_source(source, path, Config(), prefilter=False)
    assert [f.code for f in filtered.findings] == [f.code for f in unfiltered.findings if f.code != "RNN000"], path


@pytest.mark.slow
def test_prefilter_loses_no_finding_on_the_test_corpora():
    for path in CORPUS_FILES:
        _agree(path.read_text(encoding="utf-8"), str(path))
    for index, source in enumerate(_rule_example_sources()):
        _agree(source, f"rule-example-{index}")


@pytest.mark.slow
def test_prefilter_loses_no_finding_on_real_code():
    files = _torch_sources()
    assert files, "torch is part of the dev install; its sources are real-world input"
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        _agree(source, str(path))


def test_prefilter_skips_mentions_that_cannot_construct_a_module():
    assert not needs_analysis("def f():\n    return 'an LSTM in a string'\n")
    assert not needs_analysis("# we tried a GRU here\nx = 1\n")
    assert not needs_analysis("LSTM_HIDDEN = 3\n")
    assert needs_analysis("import torch.nn as nn\nm = nn.LSTM(2, 3)\n")
    assert needs_analysis("from torch.nn import (\n    Linear,\n    GRU as G,\n)\n")


@pytest.mark.parametrize("text", [
    "getattr(nn, name)", "layer = getattr(torch.nn, kind)(4, 8)", "getattr(  \n nn ,x)", "getattr(nn\t, 'LSTM')",
    "xgetattr(nn, name)", "_getattr(nn, name)", "égetattr(nn, name)", "é getattr(nn, name)", ".getattr(nn, x)",
    "getattr(self, name) or getattr(nn, name)", "getattr(nnx, name)", "getattr(torch.nnx, name)",
    "getattr(torch. nn, name)", "getattr (nn, name)", "getattr(nn)", "getattr(", "", "getattr(getattr(nn, a), b)",
    "getattr(x, y)\n" * 50 + "getattr(nn,", "ggetattr(nn, a) getattr(nn, b)", "getattr(nn, a)"[:-1],
])
def test_the_substring_search_for_getattr_of_nn_agrees_with_its_pattern(text):
    assert getattr_of_nn(text) == (_RECURRENT_GETATTR.search(text) is not None)


@pytest.mark.parametrize("text", [
    "nn.LSTM(4, 8)", "LSTM", "x = GRU", "RNNT", "RNNTDecoder", "_LSTM", "LSTM_", "LSTMCell(", "LSTMCells",
    "GRUCell", "GRUCellX", "myGRU", "é LSTM", "éLSTM", "LSTMé", "RNN.", "(RNN)", "", "RNNT " * 100 + "GRU",
    "ConvLSTMCell", "LSTMCellLSTM", "LSTM\n", "\tRNNCell\t",
])
def test_the_substring_search_for_a_recurrent_kind_agrees_with_its_pattern(text):
    assert names_recurrent_kind(text) == (_RECURRENT_WORD.search(text) is not None)


def test_the_substring_search_for_getattr_of_nn_agrees_with_its_pattern_on_real_code():
    checked = 0
    for path in sorted((ROOT / "rnnlint").rglob("*.py")) + sorted((ROOT / "tests" / "corpus").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert getattr_of_nn(text) == (_RECURRENT_GETATTR.search(text) is not None), path
        assert names_recurrent_kind(text) == (_RECURRENT_WORD.search(text) is not None), path
        checked += "getattr(" in text
    assert checked > 10


def test_the_tree_walk_visits_what_ast_walk_visits_in_its_order():
    import ast

    from rnnlint._source import walk

    walked = 0
    for path in sorted((ROOT / "rnnlint").rglob("*.py")) + sorted((ROOT / "tests" / "corpus").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert [id(node) for node in walk(tree)] == [id(node) for node in ast.walk(tree)], path
        walked += 1
    # a subtree, and a node whose optional fields are None (`return`, a bare `except:`)
    statement = ast.parse("try:\n    return\nexcept:\n    pass\n").body[0]
    assert [id(node) for node in walk(statement)] == [id(node) for node in ast.walk(statement)]
    assert walked > 50


def test_cache_gives_the_same_findings_and_survives_corruption(tmp_path):
    folder = tmp_path / "project"
    shutil.copytree(ROOT / "examples", folder)
    cache_dir = tmp_path / "cache"
    options = RunOptions(jobs=1, cache_dir=cache_dir)
    cold = run([folder], Config(), options).findings
    entries = list(cache_dir.rglob("*.json"))
    assert entries, "the cold run fills the cache"
    assert (cache_dir / ".gitignore").read_text().strip().endswith("*")
    warm = run([folder], Config(), options).findings
    assert warm == cold and [f.message for f in warm] == [f.message for f in cold]
    for entry in entries:
        entry.write_text("{not json")
    assert run([folder], Config(), options).findings == cold


def test_cache_is_keyed_by_content_and_config(tmp_path):
    cache = Cache(tmp_path, Config())
    other = Cache(tmp_path, Config(ignore=("RNN001",)))
    assert cache.key(b"a") != cache.key(b"b")
    assert cache.key(b"a") != other.key(b"a")


def test_edited_file_is_not_served_from_the_cache(tmp_path):
    target = tmp_path / "model.py"
    buggy = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    fixed = (ROOT / "examples" / "rnn001_head_features_mismatch" / "fixed.py").read_text()
    options = RunOptions(jobs=1, cache_dir=tmp_path / "cache")
    target.write_text(buggy)
    assert run([target], Config(), options).findings
    target.write_text(fixed)
    assert run([target], Config(), options).findings == []


@pytest.mark.slow
def test_parallel_output_is_deterministic_and_equals_serial(tmp_path):
    folder = tmp_path / "many"
    for index, path in enumerate(CORPUS_FILES):
        (folder / f"pkg{index % 5}").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / f"pkg{index % 5}" / f"m{index}.py")
    serial = run([folder], Config(), RunOptions(jobs=1)).findings
    parallel = run([folder], Config(), RunOptions(jobs=2)).findings
    assert serial and parallel == serial
    assert [f.message for f in parallel] == [f.message for f in serial]
    first = run_rnnlint("--no-cache", "-j", "2", folder).stdout
    assert run_rnnlint("--no-cache", "-j", "2", folder).stdout == first


def test_a_large_run_checks_files_while_it_reads_the_rest(tmp_path, monkeypatch):
    from rnnlint import _runner

    folder = tmp_path / "many"
    for index, path in enumerate(CORPUS_FILES):
        (folder / f"pkg{index % 5}").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / f"pkg{index % 5}" / f"m{index}.py")
    assert len(CORPUS_FILES) >= _runner.EAGER_RUN_FILES
    serial = run([folder], Config(), RunOptions(jobs=1)).findings
    reads: list = []
    started: list = []
    original_read, original_pool = _runner.read_source, _runner._Pool.__init__

    def counted_read(*args, **kwargs):
        reads.append(args[0])
        return original_read(*args, **kwargs)

    def noted_pool(self, *args, **kwargs):
        started.append(len(reads))
        original_pool(self, *args, **kwargs)

    monkeypatch.setattr(_runner, "read_source", counted_read)
    monkeypatch.setattr(_runner._Pool, "__init__", noted_pool)
    parallel = run([folder], Config(), RunOptions(jobs=2)).findings
    assert len(started) == 1 and started[0] < len(reads) / 2  # the workers began with most files unread
    assert serial and [(f.path, f.row, f.code, f.message) for f in parallel] == [
        (f.path, f.row, f.code, f.message) for f in serial]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc for the processes")
def test_a_large_runs_first_worker_imports_the_analysis_and_forks_the_others(tmp_path):
    folder = tmp_path / "many"
    for index, path in enumerate(CORPUS_FILES):
        (folder / f"pkg{index % 5}").mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / f"pkg{index % 5}" / f"m{index}.py")
    # each check notes its process and that process's parent; the main process notes whether
    # it ever imported the analysis
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os, sys\n"
        "from rnnlint import _runner\n"
        "from rnnlint._config import Config\n"
        "original = _runner._check_one\n"
        "def noted(task):\n"
        "    with open(sys.argv[2], 'a') as out:\n"
        "        out.write(f'{os.getpid()} {os.getppid()}\\n')\n"
        "    return original(task)\n"
        "_runner._check_one = noted\n"
        "result = _runner.run([sys.argv[1]], Config(), _runner.RunOptions(jobs=2))\n"
        "print(os.getpid(), 'rnnlint._analysis' in sys.modules, len(result.findings))\n")
    checks = tmp_path / "checks.txt"
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(probe), str(folder), str(checks)], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=300)
    main, imported, findings = done.stdout.split()
    serial = run([folder], Config(), RunOptions(jobs=1)).findings
    assert imported == "False" and int(findings) == len(serial) > 0
    workers = {tuple(line.split()) for line in checks.read_text().splitlines()}
    first = [pid for pid, parent in workers if parent == main]
    assert len(first) == 1 and {parent for _, parent in workers} == {main, first[0]}


def test_a_worker_gone_while_idle_is_replaced_and_its_file_checked(tmp_path):
    from rnnlint import _runner

    source = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    task = (str(tmp_path / "m.py"), source, Config(), False, False)
    pool = _runner._Pool([task], 1)
    process = next(iter(pool.workers.values()))[0]
    process.kill()
    process.join(5)
    pool.submit(0)  # given to the worker that is gone: the pipe is closed
    [result] = pool.finish()
    assert not result.errors and [f.code for f in result.findings] == [
        f.code for f in check_source(source, task[0], Config()).findings] != []


@pytest.mark.parametrize("others", [0, 250])  # workers started when all is read, or as it reads
def test_a_worker_that_dies_costs_its_file_only(tmp_path, monkeypatch, others):
    from rnnlint import _runner

    buggy = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    filler = "".join(f"def helper_{index}(a, b):\n    return a * {index} + b\n\n" for index in range(400))
    for index in range(12):  # about 200 kB: enough for two workers
        (tmp_path / f"m{index:02}.py").write_text(buggy + filler)
    for index in range(others):
        (tmp_path / f"z{index:03}.py").write_text(f"VALUE = {index}\n")
    original = _runner._check_one
    main = os.getpid()

    parent = tmp_path / "parent.txt"

    def dies_on_one(task):
        assert os.getpid() != main, "checked in the main process"
        if task[0].endswith("m03.py"):
            parent.write_text(str(os.getppid()))
            os._exit(3)  # as a worker killed by the system
        return original(task)

    monkeypatch.setattr(_runner, "_check_one", dies_on_one)
    result = run([tmp_path], Config(), RunOptions(jobs=2))
    assert [error.split(":")[0] for error in result.errors] == [str(tmp_path / "m03.py")]
    if int(parent.read_text()) == main:
        assert "(it stopped with code 3)" in result.errors[0]
    else:  # forked by the first worker of a large run: its code is its parent's to know
        assert others and "(it stopped);" in result.errors[0]
    assert sorted({Path(f.path).name for f in result.findings}) == [f"m{index:02}.py" for index in range(12)
                                                                     if index != 3]


def test_default_cache_folder_is_created_with_gitignore(tmp_path):
    model = tmp_path / "model.py"
    model.write_text((ROOT / "examples" / "rnn008_input_size_mismatch" / "buggy.py").read_text())
    result = run_rnnlint(model, cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / ".rnnlint_cache" / ".gitignore").exists()


def test_definitions_that_cannot_matter_are_left_out_of_the_analysis():
    import ast

    from rnnlint._engine import selected_body

    buggy = (ROOT / "examples" / "rnn001_head_features_mismatch" / "buggy.py").read_text()
    unrelated = "\n\n@decorated\nclass Unrelated:\n    def method(self):\n        return 'LSTM in a string'\n"
    source = buggy + unrelated
    body = selected_body(ast.parse(source), source)
    names = [getattr(node, "name", None) for node in body]
    assert "Unrelated" not in names and "SentenceClassifier" in names
    assert "build" in names  # it names the model class: kept
    tested_only = "x = isinstance(m, nn.LSTM)\n"
    assert selected_body(ast.parse(tested_only), tested_only) is None
    imported_inside = "def f():\n    from torch.nn import GRU as G\n    return G(1, 2)\n"
    assert selected_body(ast.parse(imported_inside), imported_inside) is not None
    # a package that re-exports a recurrent class builds nothing; a use of the import does
    re_exported = "from torch.nn import GRU, LSTM\n\n__all__ = ['GRU', 'LSTM']\n"
    assert selected_body(ast.parse(re_exported), re_exported) is None
    used = "from torch.nn import GRU as G\n\nlayer = G(1, 2)\n"
    assert selected_body(ast.parse(used), used) is not None
    # `eval(name)(...)` may build any class of the file; `model.eval()` builds nothing
    chooser = buggy + "\n\ndef choose(kind):\n    return eval(kind)(100, 32, 4)\n"
    assert "choose" in [getattr(node, "name", None) for node in selected_body(ast.parse(chooser), chooser)]
    evaluating = buggy + "\n\ndef test_mode(model):\n    model.eval()\n    return model\n"
    assert "test_mode" not in [getattr(node, "name", None) for node in selected_body(ast.parse(evaluating), evaluating)]
    findings = check_source(source, "m.py", Config()).findings
    assert [(f.row, f.code) for f in findings] == [(19, "RNN001")]
    fixed = check_source(source, "m.py", Config(), fix=True).fixed_source
    assert fixed.endswith(unrelated) and "nn.Linear(2 * hidden_size, n_classes)" in fixed


@pytest.mark.slow
def test_a_large_module_gives_the_same_findings_with_and_without_the_selection():
    generator = bench_package("synthetic")
    source = generator.rnn_big_module(8000)
    # plant a bug in a few heads so there is something to find in several classes
    source = re.sub(r"nn\.Linear\((\w+) \* 2,", r"nn.Linear(\1,", source, count=3)
    selected = check_source(source, "big.py", Config())
    whole = check_source(source, "big.py", Config(), prefilter=False)
    assert [(f.row, f.column, f.code, f.message) for f in selected.findings] == \
        [(f.row, f.column, f.code, f.message) for f in whole.findings]
    assert len(whole.findings) >= 3



def test_a_node_is_foreign_only_when_it_is_one_of_another_files_trees():
    import ast

    from rnnlint._analysis._facts import FileFacts
    from rnnlint._analysis._names import ImportTable
    from rnnlint._source import SourceLines

    source = "x = f(1)\n"
    module, other, unrelated = ast.parse(source), ast.parse(source), ast.parse(source)

    def facts(*trees):
        return FileFacts(module=module, imports=ImportTable(), scopes=[], lines=SourceLines(source),
                         foreign_trees=trees)

    call, foreign_call = module.body[0].value, other.body[0].value
    read = facts(other)
    assert not read.is_foreign(call)
    assert read.is_foreign(foreign_call)
    assert read.is_foreign(other.body[0])
    assert not read.is_foreign(unrelated.body[0].value)  # a node of no tree the file read
    assert not facts().is_foreign(foreign_call)
    assert facts(other, module).is_foreign(call)  # the file's own tree among them: its nodes too


def test_guards_merge_alike_from_sets_and_frozensets_and_contradictions_stay_none():
    from rnnlint._analysis._symbolic import Flag, Relation, merge_guards

    a, b = (Flag("bidirectional"), True), (Relation("n_layers", ">", "1"), True)
    assert merge_guards(frozenset({a}), frozenset({b})) == frozenset({a, b})
    assert merge_guards({a}, {b}) == frozenset({a, b})  # plain sets are merged too
    assert merge_guards(frozenset({a}), frozenset({(Flag("bidirectional"), False)})) is None
    one = (Relation("n_layers", "==", "1"), True)
    assert merge_guards(frozenset({b}), frozenset({one})) is None
    assert merge_guards(frozenset({b}), frozenset({one})) is None  # asked again: the same answer


def test_alternatives_keep_distinct_cases_of_values_that_cannot_be_hashed():
    from dataclasses import dataclass

    from rnnlint._analysis._symbolic import Alt, Flag, Value, alternatives

    @dataclass(frozen=True)
    class Box(Value):
        items: list

    yes, no = frozenset({(Flag("f"), True)}), frozenset({(Flag("f"), False)})
    assert alternatives([(yes, Box([1])), (no, Box([1]))]) == Box([1])
    mixed = alternatives([(yes, Box([1])), (yes, Box([1])), (no, Box([2]))])
    assert isinstance(mixed, Alt)
    assert mixed.cases == ((yes, Box([1])), (no, Box([2])))
