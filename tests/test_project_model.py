"""The project model: imports resolved among a project's files, the summaries of the modules a
file imports, findings that cross files, and a cache that goes stale with what a file imports."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnnlint import lint_paths
from rnnlint._project import Project, find_root, forget_projects

from conftest import write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

BASE = """\
import torch.nn as nn


class BaseEncoder(nn.Module):
    def __init__(self, input_size, hidden_size, bidirectional=True):
        super().__init__()
        self.rnn = nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=bidirectional)

    def encode(self, x):
        out, _ = self.rnn(x)
        return out[:, -1]
"""
# the base GRU is bidirectional by default: its output is 2 * hidden_size wide
CLASSIFIER_BUGGY = """\
import torch.nn as nn

from .base import BaseEncoder


class Classifier(BaseEncoder):
    def __init__(self, input_size, hidden_size, n_classes):
        super().__init__(input_size, hidden_size)
        self.fc = nn.Linear(hidden_size, n_classes)

    def forward(self, x):
        return self.fc(self.encode(x))
"""
CLASSIFIER_CORRECT = CLASSIFIER_BUGGY.replace("nn.Linear(hidden_size, n_classes)",
                                              "nn.Linear(2 * hidden_size, n_classes)")
CLASSIFIER_ONE_DIRECTION = CLASSIFIER_BUGGY.replace("super().__init__(input_size, hidden_size)",
                                                    "super().__init__(input_size, hidden_size, bidirectional=False)")

CONFIG = "HIDDEN = 32\nEMBED = 16\n"
MODEL_WITH_CONSTANTS = """\
import torch.nn as nn

from {module} import EMBED, HIDDEN


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(HIDDEN, 5)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)
"""


def codes_at(findings) -> list:
    return sorted((Path(finding.path).name, finding.row, finding.code) for finding in findings)


def package(tmp_path: Path, classifier: str) -> Path:
    return write_project(tmp_path, {"pyproject.toml": "", "models/__init__.py": "", "models/base.py": BASE,
                            "models/classifier.py": classifier})


# --- the resolver -------------------------------------------------------------------------------

def test_the_root_is_the_nearest_folder_with_a_marker(tmp_path):
    write_project(tmp_path, {"setup.cfg": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": ""})
    assert find_root(tmp_path / "pkg/sub/mod.py") == tmp_path.resolve()


def test_without_a_marker_the_root_is_above_the_top_package(tmp_path):
    write_project(tmp_path / "work", {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": ""})
    found = find_root(tmp_path / "work/pkg/sub/mod.py")
    # the folder above `pkg`, unless a folder higher up is itself marked (a checkout)
    assert found in {(tmp_path / "work").resolve(), *[p for p in tmp_path.resolve().parents
                                                     if any((p / m).exists() for m in ("pyproject.toml", "setup.cfg",
                                                                                        "setup.py", ".git"))]}


def test_installed_code_has_no_project(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "venv/lib/site-packages/lib/mod.py": ""})
    assert find_root(tmp_path / "venv/lib/site-packages/lib/mod.py") is None


def test_relative_absolute_src_and_namespace_imports_resolve(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "src/app/__init__.py": "", "src/app/config.py": "",
                     "src/app/nets/__init__.py": "", "src/app/nets/rnn.py": "", "plain/heads.py": "",
                     "scripts/train.py": "", "scripts/util.py": ""})
    project = Project(tmp_path)
    rnn = tmp_path.resolve() / "src/app/nets/rnn.py"
    assert project.resolve(rnn, "config", 2) == tmp_path.resolve() / "src/app/config.py"
    assert project.resolve(rnn, "", 1) == tmp_path.resolve() / "src/app/nets/__init__.py"
    assert project.resolve(rnn, "app.config", 0) == tmp_path.resolve() / "src/app/config.py"
    assert project.resolve(rnn, "plain.heads", 0) == tmp_path.resolve() / "plain/heads.py"  # a namespace package
    train = tmp_path.resolve() / "scripts/train.py"
    assert project.resolve(train, "util", 0) == tmp_path.resolve() / "scripts/util.py"  # a script's own folder
    assert project.resolve(train, "numpy", 0) is None  # not in the project: unknown
    assert project.resolve(train, "torch.nn", 0) is None  # torch is the registry's
    assert project.module_name(rnn) == "app.nets.rnn"


def test_a_summary_holds_constants_classes_and_re_exports(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "from .base import BaseEncoder\n",
                     "pkg/base.py": BASE, "pkg/config.py": CONFIG + "LAYERS = 2\nLAYERS = 3\n"})
    project = Project(tmp_path)
    config = project.summary(tmp_path / "pkg/config.py")
    assert set(config.constants) == {"HIDDEN", "EMBED", "LAYERS"}
    assert config.constants["HIDDEN"].constant == 32
    assert config.constants["LAYERS"].__class__.__name__ == "Unknown"  # bound twice: no single value
    assert not config.recurrent
    init = project.summary(tmp_path / "pkg/__init__.py")
    kind, value, owner = project.defining(init, "BaseEncoder")  # a re-export, followed when asked for
    base = project.summary(tmp_path / "pkg/base.py")
    assert kind == "class" and value is base.classes["BaseEncoder"] and owner is base
    assert project.defining(init, "Missing") is None
    # the package re-exports a class that builds a GRU: importing that name may build one
    init_path = (tmp_path / "pkg/__init__.py").resolve()
    assert project.offers_recurrent(init_path, frozenset({"BaseEncoder"}))
    assert not project.offers_recurrent(init_path, frozenset({"something_else"}))
    assert set(base.depends) == {str((tmp_path / "pkg/base.py").resolve())}


# --- findings across files -----------------------------------------------------------------------

def test_a_base_class_in_another_file_sizes_the_head(tmp_path):
    package(tmp_path, CLASSIFIER_BUGGY)
    assert codes_at(lint_paths([str(tmp_path / "models/classifier.py")])) == [("classifier.py", 9, "RNN001")]


@pytest.mark.parametrize("classifier", [CLASSIFIER_CORRECT, CLASSIFIER_ONE_DIRECTION], ids=["doubled", "one-direction"])
def test_heads_the_base_allows_stay_silent(tmp_path, classifier):
    package(tmp_path, classifier)
    assert lint_paths([str(tmp_path)]) == []


def test_findings_only_for_the_files_named(tmp_path):
    package(tmp_path, CLASSIFIER_BUGGY)
    # base.py is read for its summary, and has no finding of its own
    assert lint_paths([str(tmp_path / "models/base.py")]) == []
    assert codes_at(lint_paths([str(tmp_path)])) == [("classifier.py", 9, "RNN001")]


@pytest.mark.parametrize("module, layout", [
    ("config", {"config.py": CONFIG}),
    (".config", {"__init__.py": "", "config.py": CONFIG}),
    ("settings.values", {"settings/values.py": CONFIG}),  # a namespace package
])
def test_constants_from_another_file(tmp_path, module, layout):
    files = {"pyproject.toml": "", **layout, "model.py": MODEL_WITH_CONSTANTS.format(module=module)}
    write_project(tmp_path, files)
    assert codes_at(lint_paths([str(tmp_path / "model.py")])) == [("model.py", 10, "RNN001")]


def test_constants_through_a_module_alias(tmp_path):
    model = MODEL_WITH_CONSTANTS.format(module="x").replace("from x import EMBED, HIDDEN", "import config as C")
    model = model.replace("(EMBED, HIDDEN,", "(C.EMBED, C.HIDDEN,").replace("Linear(HIDDEN", "Linear(C.HIDDEN")
    write_project(tmp_path, {"pyproject.toml": "", "config.py": CONFIG, "model.py": model})
    assert codes_at(lint_paths([str(tmp_path / "model.py")])) == [("model.py", 10, "RNN001")]
    write_project(tmp_path, {"config.py": CONFIG.replace("HIDDEN = 32", "HIDDEN = 32\nHIDDEN = 64")})
    forget_projects()
    assert lint_paths([str(tmp_path / "model.py")]) == []  # bound twice: unknown, silent


def test_what_is_not_in_the_project_stays_unknown(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "model.py": MODEL_WITH_CONSTANTS.format(module="somewhere_else")})
    assert lint_paths([str(tmp_path / "model.py")]) == []


def _cli(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "rnnlint", "--output-format", "json", *args], cwd=cwd,
                          capture_output=True, text=True, input=stdin, timeout=120)


def test_workers_and_stdin_find_the_same(tmp_path):
    package(tmp_path, CLASSIFIER_BUGGY)
    for index in range(12):  # enough code for worker processes to start
        write_project(tmp_path, {f"models/filler_{index}.py": BASE.replace("BaseEncoder", f"Filler{index}") * 40})
    serial = _cli("--no-cache", "--jobs", "1", ".", cwd=tmp_path)
    parallel = _cli("--no-cache", "--jobs", "2", ".", cwd=tmp_path)
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert [(f["filename"].rsplit("/", 1)[-1], f["code"]) for f in json.loads(serial.stdout)] == \
        [("classifier.py", "RNN001")]
    piped = _cli("--stdin-filename", "models/classifier.py", "-", cwd=tmp_path, stdin=CLASSIFIER_BUGGY)
    assert [(f["location"]["row"], f["code"]) for f in json.loads(piped.stdout)] == [(9, "RNN001")]


# --- the cache -------------------------------------------------------------------------------

def test_editing_an_imported_file_re_checks_the_importer(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "config.py": CONFIG.replace("HIDDEN = 32", "HIDDEN = 64"),
                     "model.py": MODEL_WITH_CONSTANTS.format(module="config").replace("Linear(HIDDEN", "Linear(128")})
    cache = ["--cache-dir", str(tmp_path / ".cache"), "model.py"]
    assert json.loads(_cli(*cache, cwd=tmp_path).stdout) == []  # 2 * 64 = 128: correct
    assert json.loads(_cli(*cache, cwd=tmp_path).stdout) == []  # from the cache
    (tmp_path / "config.py").write_text(CONFIG, encoding="utf-8")  # HIDDEN = 32: the head is now wrong
    found = json.loads(_cli(*cache, cwd=tmp_path).stdout)
    assert [(f["location"]["row"], f["code"]) for f in found] == [(10, "RNN001")]
    assert json.loads(_cli(*cache, cwd=tmp_path).stdout) == found  # and that is cached in turn


def test_a_large_run_still_finds_a_subclass_in_another_file(tmp_path):
    # above UNGATED_RUN_FILES files, a file that names no RNN is read on only when it imports a
    # name a recurrent file of the run defines: here `BaseEncoder`
    from rnnlint._runner import UNGATED_RUN_FILES

    package(tmp_path, CLASSIFIER_BUGGY)
    for index in range(UNGATED_RUN_FILES + 1):
        write_project(tmp_path, {f"util/helper_{index}.py": "import os\n\nVALUE = os.sep\n"})
    write_project(tmp_path, {"util/no_definitions.py": "import torch.nn as nn\n\nLAYER = nn.LSTM(4, 8)\n"})
    assert codes_at(lint_paths([str(tmp_path)])) == [("classifier.py", 9, "RNN001")]


# --- a package name that is also a submodule -----------------------------------------------------

DECODER_MODULE = """\
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, vocab, hidden, n_layers=2, dropout=0.1):
        super().__init__()
        self.emb = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, n_layers, dropout=dropout)

    def forward(self, x):
        return self.gru(self.emb(x))
"""
BUILDS_THE_CLASS = "from models import Decoder\n\ndecoder = Decoder(100, 64, n_layers=1, dropout=0.5)\n"
BUILDS_FROM_THE_MODULE = "from models import Decoder\n\ndecoder = Decoder.Decoder(100, 64, n_layers=1, dropout=0.5)\n"
DROPOUT_AT_ONE_LAYER = [("Decoder.py", 8, "RNN009")]


@pytest.mark.parametrize("init", ["from .Decoder import Decoder", "from models.Decoder import Decoder",
                                  "try:\n    from .Decoder import Decoder\nexcept ImportError:\n    pass\n"],
                         ids=["relative", "absolute", "in-try"])
def test_a_name_the_package_binds_wins_over_the_same_named_submodule(tmp_path, init):
    # as Python does: `from .Decoder import Decoder` in __init__ rebinds the package's attribute
    # `Decoder` (first the submodule) to the class, and `from models import Decoder` reads it
    write_project(tmp_path, {"pyproject.toml": "", "models/__init__.py": init, "models/Decoder.py": DECODER_MODULE,
                     "train.py": BUILDS_THE_CLASS})
    assert found_in(tmp_path) == DROPOUT_AT_ONE_LAYER
    forget_projects()
    write_project(tmp_path, {"train.py": BUILDS_FROM_THE_MODULE})  # `Decoder.Decoder`: an attribute of a class
    assert found_in(tmp_path) == []


@pytest.mark.parametrize("init", [None, "", "from . import Decoder", "VALUE = 1"],
                         ids=["namespace", "empty", "imports-the-submodule", "binds-another-name"])
def test_a_name_the_package_does_not_bind_is_the_submodule(tmp_path, init):
    files = {"pyproject.toml": "", "models/Decoder.py": DECODER_MODULE, "train.py": BUILDS_FROM_THE_MODULE}
    if init is not None:
        files["models/__init__.py"] = init
    write_project(tmp_path, files)
    assert found_in(tmp_path) == DROPOUT_AT_ONE_LAYER
    forget_projects()
    write_project(tmp_path, {"train.py": BUILDS_THE_CLASS})  # calling the module: nothing is built
    assert found_in(tmp_path) == []


def found_in(root: Path) -> list:
    return codes_at(lint_paths([str(root)]))


# --- the stat index: unchanged files are not read again ---------------------------------------

def _in_place(path: Path, text: str) -> None:
    """Write ``text`` (of the same size) into ``path`` and put its modification time back."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.fixture
def vouching(monkeypatch):
    """Files' times vouch for them at once (a file just written is otherwise read again)."""
    from rnnlint import _project

    monkeypatch.setattr(_project, "RECENT_NS", 0)


def _run_cached(root: Path, *paths):
    from rnnlint._config import Config
    from rnnlint._runner import RunOptions, run

    result = run([root / path for path in paths] or [root], Config(), RunOptions(jobs=1, cache_dir=root / ".cache"))
    return [(Path(f.path).name, f.row, f.code) for f in result.findings]


@pytest.mark.usefixtures("vouching")
def test_a_warm_run_reads_only_the_files_it_shows(tmp_path, monkeypatch):
    from rnnlint import _runner

    buggy = MODEL_WITH_CONSTANTS.format(module="config")  # HIDDEN = 32, bidirectional: 64 features
    write_project(tmp_path, {"pyproject.toml": "", "config.py": CONFIG, "model.py": buggy, "plain.py": "x = 1\n",
                     "fine.py": MODEL_WITH_CONSTANTS.format(module="config").replace("Linear(HIDDEN", "Linear(64")})
    cold = _run_cached(tmp_path)
    assert cold == [("model.py", 10, "RNN001")]
    read: list = []
    real = _runner.read_source
    monkeypatch.setattr(_runner, "read_source",
                        lambda path, *rest, **named: read.append(path.name) or real(path, *rest, **named))
    assert _run_cached(tmp_path) == cold
    assert read == ["model.py"]  # its finding is shown with its text; nothing else is read


@pytest.mark.usefixtures("vouching")
def test_a_file_written_in_place_with_its_old_time_is_read_again(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "config.py": CONFIG,
                     "model.py": MODEL_WITH_CONSTANTS.format(module="config").replace("Linear(HIDDEN", "Linear(64")})
    assert _run_cached(tmp_path) == []
    assert _run_cached(tmp_path) == []
    # the same size and modification time: the change time (and the digest) tell
    _in_place(tmp_path / "model.py", MODEL_WITH_CONSTANTS.format(module="config").replace("Linear(HIDDEN", "Linear(32"))
    assert _run_cached(tmp_path) == [("model.py", 10, "RNN001")]


@pytest.mark.usefixtures("vouching")
def test_an_imported_file_written_in_place_re_checks_the_importer(tmp_path):
    model = MODEL_WITH_CONSTANTS.format(module="config").replace("Linear(HIDDEN", "Linear(128")
    write_project(tmp_path, {"pyproject.toml": "", "config.py": CONFIG.replace("HIDDEN = 32", "HIDDEN = 64"),
                     "model.py": model})
    assert _run_cached(tmp_path, "model.py") == []  # 2 * 64 = 128
    assert _run_cached(tmp_path, "model.py") == []  # from the cache: config.py's digest is kept
    _in_place(tmp_path / "config.py", CONFIG)  # HIDDEN = 32
    assert _run_cached(tmp_path, "model.py") == [("model.py", 10, "RNN001")]
    assert _run_cached(tmp_path, "model.py") == [("model.py", 10, "RNN001")]


@pytest.mark.usefixtures("vouching")
def test_a_corrupt_stat_index_only_costs_reading_the_files(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "config.py": CONFIG,
                     "model.py": MODEL_WITH_CONSTANTS.format(module="config")})
    cold = _run_cached(tmp_path)
    (index,) = (tmp_path / ".cache").rglob("index-*.json")
    for text in ("{", "[]", '{"x": 1}', json.dumps({str(tmp_path / "model.py"): [1, 2, 3, 4, "no"]})):
        index.write_text(text, encoding="utf-8")
        assert _run_cached(tmp_path) == cold


def test_a_name_re_exported_from_a_plain_file_builds_no_recurrent_layer(tmp_path):
    """A module that names `LSTM` only in an `isinstance` test and in prose, and re-exports a
    plain class from a third file over several lines: what it offers builds no recurrent layer.
    A class that builds one, re-exported the same way, still does."""
    write_project(tmp_path, {
        "pyproject.toml": "[project]\nname = 'demo'\n",
        "pkg/__init__.py": "",
        "pkg/plain.py": "class Entry:\n    size = 3\n\nclass Wrapped:\n    pass\n",
        "pkg/builder.py": """
            import torch.nn as nn

            from .plain import (
                Entry,  # a record
            )
            from .layers import (
                Tagger,
            )


            class Builder:
                def wrap(self, value):
                    if isinstance(value, (nn.RNN, nn.LSTM)):
                        raise TypeError("cannot wrap an RNN or an LSTM")  # no LSTM here
                    return value
        """,
        "pkg/layers.py": """
            import torch.nn as nn


            class Tagger(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.lstm = nn.LSTM(8, 16)
        """,
    })
    project = Project(tmp_path)
    builder = tmp_path / "pkg" / "builder.py"
    assert project.offers_recurrent(builder, None)  # the file names one
    assert not project.offers_recurrent(builder, frozenset(["Builder"]))
    assert not project.offers_recurrent(builder, frozenset(["Entry"]))
    assert project.offers_recurrent(builder, frozenset(["Tagger"]))


@pytest.mark.parametrize(("text", "builds"), [
    ("isinstance(value, (torch.nn.RNN, torch.nn.GRU, torch.nn.LSTM))", False),
    ('message = "Dynamo does not support RNN, GRU, or LSTM"', False),
    ("# an LSTM would do", False),
    ("self.rnn = nn.LSTM(3, 4)", True),
    ("if isinstance(x, int): y = nn.GRU(1, 2)", True),
    ("isinstance(\n    x, nn.LSTM)", True),  # a test over several lines: counted, never missed
    ('make_rnn("LSTM", 8, 16)', True),  # the name alone, quoted: a factory's argument
    ('x = "a"; rnn = nn.GRU(2, 3)', True),
])
def test_naming_a_recurrent_kind_to_build_it(text, builds):
    from rnnlint._engine import names_recurrent_kind_to_build

    assert names_recurrent_kind_to_build(text) is builds


def test_every_class_that_builds_a_recurrent_layer_is_named_so():
    """On the corpora: each top-level class whose code uses a recurrent class as a value passes
    the text test the project model reads a class by (with `getattr(nn, name)` factories): the
    test may say too much, never too little."""
    import ast

    from rnnlint._engine import _RECURRENT_NAMES, _recurrent_uses, getattr_of_nn, names_recurrent_kind_to_build

    from conftest import ROOT

    checked = 0
    for path in sorted((ROOT / "tests" / "corpus").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py")):
        source = path.read_text()
        lines = source.splitlines(keepends=True)
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef) and _recurrent_uses(node, set(_RECURRENT_NAMES))[1]:
                checked += 1
                text = "".join(lines[node.lineno - 1:node.end_lineno])
                assert names_recurrent_kind_to_build(text) or getattr_of_nn(text), f"{path}:{node.lineno}"
    assert checked > 100
