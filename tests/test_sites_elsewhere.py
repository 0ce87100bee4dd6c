"""Construction sites in other files of the project, and classes whose every construction is in
view (closed): a site's binding is a configuration of the class; a closed class is only what its
sites build."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnnlint import lint_paths
from rnnlint._project import forget_projects

from conftest import found_by_file, write_project

pytestmark = pytest.mark.usefixtures("fresh_projects")

DECODER = """\
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self, vocab, hidden, n_layers=2, dropout=0.1):
        super().__init__()
        self.emb = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, n_layers, dropout=dropout)

    def forward(self, x):
        return self.gru(self.emb(x))
"""

TRAIN = """\
import argparse

from model import Decoder

parser = argparse.ArgumentParser()
parser.add_argument("--hidden", type=int, default=64)
args = parser.parse_args()
decoder = Decoder(100, args.hidden, n_layers={layers}, dropout=0.5)
"""

ENCODER = """\
import torch.nn as nn


class FrameEncoder(nn.Module):
    def __init__(self, n_mels, hidden, n_units, bidirectional=False):
        super().__init__()
        self.gru = nn.GRU(n_mels, hidden, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden, n_units)

    def forward(self, mels):
        out, _ = self.gru(mels)
        return self.fc(out)
"""

STREAMING = """\
from encoder import FrameEncoder


def streaming_encoder(n_mels=20, hidden=16):
    return FrameEncoder(n_mels, hidden, 30, bidirectional=False)
"""


def test_a_site_in_another_file_is_a_configuration_named_by_its_file(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=1)})
    findings = lint_paths([str(tmp_path / "model.py")])
    assert found_by_file(findings) == [("model.py", 8, "RNN009")]
    assert "(as built at train.py:8)" in findings[0].message


def test_every_other_file_site_stacking_layers_is_silent(tmp_path):
    # `n_layers=2` at the only site, beside a default that would also be fine
    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=2)})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_a_site_passing_the_other_files_own_symbols_is_silent(tmp_path):
    train = "from model import Decoder\n\n\ndef build(layers, p):\n    return Decoder(10, 8, layers, p)\n"
    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": train})
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_a_closed_class_drops_the_conditional_finding_no_site_reaches(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": ENCODER, "streaming.py": STREAMING})
    assert found_by_file(lint_paths([str(tmp_path)])) == []
    assert found_by_file(lint_paths([str(tmp_path / "encoder.py")])) == []


@pytest.mark.parametrize("change", [
    {"registry.py": "from encoder import FrameEncoder\n\nENCODERS = {'frame': FrameEncoder}\n"},
    {"sub.py": "from encoder import FrameEncoder\n\n\nclass Wide(FrameEncoder):\n    pass\n"},
    {"pyproject.toml": "[project]\nname = 'frames'\n"},
    {"setup.py": "from setuptools import setup\n\nsetup(name='frames')\n"},
    {"encoder.py": ENCODER + "\n__all__ = ['FrameEncoder']\n"},
    {"notes.py": "from encoder import FrameEncoder\n\nDOC = 'build FrameEncoder by hand'\n"},
])
def test_a_class_reached_otherwise_or_offered_as_a_library_keeps_its_conditional_finding(tmp_path, change):
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": ENCODER, "streaming.py": STREAMING})
    write_project(tmp_path, change)
    assert found_by_file(lint_paths([str(tmp_path / "encoder.py")])) == [("encoder.py", 8, "RNN001")]


def test_a_class_with_no_site_keeps_its_conditional_finding(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": ENCODER})
    assert found_by_file(lint_paths([str(tmp_path)])) == [("encoder.py", 8, "RNN001")]


def test_a_site_reaching_the_flag_is_reported_with_its_file(tmp_path):
    streaming = STREAMING.replace("bidirectional=False", "bidirectional=True")
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": ENCODER, "streaming.py": streaming})
    findings = lint_paths([str(tmp_path / "encoder.py")])
    assert found_by_file(findings) == [("encoder.py", 8, "RNN001")]
    assert "streaming.py:5" in findings[0].message


def test_editing_the_site_file_re_checks_the_class_file(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=2)})

    def run() -> list:
        result = subprocess.run([sys.executable, "-m", "rnnlint", "--output-format", "json", "--cache-dir",
                                 str(tmp_path / ".cache"), "model.py"], cwd=tmp_path, capture_output=True,
                                text=True, timeout=120)
        return [(f["location"]["row"], f["code"]) for f in json.loads(result.stdout)]

    assert run() == []
    assert run() == []  # from the cache
    (tmp_path / "train.py").write_text(TRAIN.format(layers=1), encoding="utf-8")
    assert run() == [(8, "RNN009")]


def test_the_json_record_names_the_other_files_site(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=1)})
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json", "model.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    (record,) = json.loads(result.stdout)
    assert [(Path(site["filename"]).name, site["row"]) for site in record["configurations"]] == [("train.py", 8)]


def test_parsed_arguments_passed_from_another_file_carry_their_defaults(tmp_path):
    model = ("import torch.nn as nn\n\n\nclass Tagger(nn.Module):\n    def __init__(self, args):\n"
             "        super().__init__()\n        self.emb = nn.Embedding(10, args.emb)\n"
             "        self.lstm = nn.LSTM(args.hidden, args.hidden, batch_first=True)\n\n"
             "    def forward(self, x):\n        return self.lstm(self.emb(x))\n")
    train = ("import argparse\n\nfrom model import Tagger\n\nparser = argparse.ArgumentParser()\n"
             "parser.add_argument('--emb', type=int, default={emb})\n"
             "parser.add_argument('--hidden', type=int, default=128)\n"
             "model = Tagger(parser.parse_args())\n")
    write_project(tmp_path, {"pyproject.toml": "", "model.py": model, "train.py": train.format(emb=100)})
    assert found_by_file(lint_paths([str(tmp_path / "model.py")])) == [("model.py", 8, "RNN008")]
    forget_projects()
    write_project(tmp_path, {"train.py": train.format(emb=128)})
    assert found_by_file(lint_paths([str(tmp_path / "model.py")])) == []


def test_a_large_project_reads_the_files_beside_the_class(tmp_path):
    from rnnlint._analysis._sites import MAX_PROJECT_FILES

    write_project(tmp_path, {"pyproject.toml": "", "app/model.py": DECODER, "app/train.py": TRAIN.format(layers=1)})
    for index in range(MAX_PROJECT_FILES + 1):
        write_project(tmp_path, {f"lib/part_{index}.py": "VALUE = 1\n"})
    assert found_by_file(lint_paths([str(tmp_path / "app" / "model.py")])) == [("model.py", 8, "RNN009")]


def _cached_run(tmp_path: Path, target: str) -> list:
    result = subprocess.run([sys.executable, "-m", "rnnlint", "--output-format", "json", "--cache-dir",
                             str(tmp_path / ".cache"), target], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    return sorted((Path(f["filename"]).name, f["location"]["row"], f["code"]) for f in json.loads(result.stdout))


@pytest.mark.parametrize(("files", "change", "expected"), [
    # a new file builds the class with one layer: the cached silence of model.py is stale
    ({"model.py": DECODER, "train.py": TRAIN.format(layers=2)}, {"finetune.py": TRAIN.format(layers=1)},
     [("model.py", 8, "RNN009")]),
    # a new file passes the closed class around: it is no longer closed
    ({"encoder.py": ENCODER, "streaming.py": STREAMING},
     {"registry.py": "from encoder import FrameEncoder\n\nENCODERS = {'frame': FrameEncoder}\n"},
     [("encoder.py", 8, "RNN001")]),
    # a file that did not name the class now builds it
    ({"model.py": DECODER, "train.py": TRAIN.format(layers=2), "notes.py": "NOTE = 1\n"},
     {"notes.py": TRAIN.format(layers=1)}, [("model.py", 8, "RNN009")]),
    # the only other file that named the class no longer does: the class is closed again
    ({"encoder.py": ENCODER, "streaming.py": STREAMING,
      "registry.py": "from encoder import FrameEncoder\n\nENCODERS = {'frame': FrameEncoder}\n"},
     {"registry.py": "ENCODERS = {}\n"}, []),
])
def test_a_site_file_added_or_changed_re_checks_the_cached_class_file(tmp_path, files, change, expected):
    write_project(tmp_path, {"pyproject.toml": "", **files})
    target = next(iter(files))
    before = _cached_run(tmp_path, target)
    assert _cached_run(tmp_path, target) == before  # from the cache
    write_project(tmp_path, change)
    assert _cached_run(tmp_path, target) == expected
    uncached = subprocess.run([sys.executable, "-m", "rnnlint", "--no-cache", "--output-format", "json", target],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert sorted((Path(f["filename"]).name, f["location"]["row"], f["code"])
                  for f in json.loads(uncached.stdout)) == expected
    assert expected != before


def test_an_unchanged_site_search_is_vouched_for_by_the_files_times(tmp_path, monkeypatch):
    from rnnlint import _project, _runner
    from rnnlint._config import Config

    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=2),
                     "notes.py": "NOTE = 1\n"})
    monkeypatch.setattr(_project, "RECENT_NS", 0)  # the files' times vouch for them at once
    options = _runner.RunOptions(jobs=1, cache_dir=tmp_path / ".cache")
    assert _runner.run([tmp_path / "model.py"], Config(), options).findings == []
    read: list = []
    monkeypatch.setattr(_project.Project, "names_in", lambda _self, *args: read.append(args) or {})
    checked: list = []
    monkeypatch.setattr(_runner, "_check_one", lambda task: checked.append(task) or _runner.FileResult(task[0]))
    assert _runner.run([tmp_path / "model.py"], Config(), options).findings == []
    assert read == [] and checked == []  # from the cache, no file of the search read
    (tmp_path / "notes.py").write_text("NOTE = 2\n", encoding="utf-8")  # names no class of model.py
    monkeypatch.undo()
    monkeypatch.setattr(_project, "RECENT_NS", 0)
    monkeypatch.setattr(_runner, "_check_one", lambda task: checked.append(task) or _runner.FileResult(task[0]))
    assert _runner.run([tmp_path / "model.py"], Config(), options).findings == []
    assert checked == []  # the search read the files again and found the same: still from the cache
    (tmp_path / "notes.py").write_text(TRAIN.format(layers=1), encoding="utf-8")
    monkeypatch.undo()
    findings = _runner.run([tmp_path / "model.py"], Config(), options).findings
    assert [(Path(f.path).name, f.row, f.code) for f in findings] == [("model.py", 8, "RNN009")]


# the class's only construction is in its own file, inside another module's __init__ (the
# encoder of a model), and leaves the flag at False: what the symbolic run holds open is closed
OWN_FILE_SITE = ENCODER + """

class Streaming(nn.Module):
    def __init__(self, n_mels, hidden):
        super().__init__()
        self.encoder = FrameEncoder(n_mels, hidden, 30)

    def forward(self, mels):
        return self.encoder(mels)
"""


def test_a_class_built_only_in_its_own_file_is_closed(tmp_path):
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": OWN_FILE_SITE})
    assert found_by_file(lint_paths([str(tmp_path / "encoder.py")])) == []
    assert found_by_file(lint_paths([str(tmp_path)])) == []


def test_a_class_built_in_its_own_file_reaching_the_flag_is_reported_there(tmp_path):
    source = OWN_FILE_SITE.replace("FrameEncoder(n_mels, hidden, 30)", "FrameEncoder(n_mels, hidden, 30, True)")
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": source})
    findings = lint_paths([str(tmp_path / "encoder.py")])
    assert found_by_file(findings) == [("encoder.py", 8, "RNN001")]
    # the site confirms the symbolic run's finding, which keeps its message (sizes by name)
    assert "`2*hidden`" in findings[0].message


@pytest.mark.parametrize("change", [
    {"setup.py": "from setuptools import setup\n\nsetup(name='frames')\n"},
    {"pyproject.toml": "[project]\nname = 'frames'\n"},
    {"encoder.py": OWN_FILE_SITE + "\n\nENCODERS = {'frame': FrameEncoder}\n"},
    {"encoder.py": OWN_FILE_SITE + "\n\nDOC = 'FrameEncoder is built by Streaming'\n"},
    {"encoder.py": OWN_FILE_SITE + "\n__all__ = ['FrameEncoder', 'Streaming']\n"},
    {"registry.py": "from encoder import FrameEncoder\n\nENCODERS = {'frame': FrameEncoder}\n"},
    {"wide.py": "from encoder import FrameEncoder\n\n\nclass Wide(FrameEncoder):\n    pass\n"},
])
def test_a_class_built_in_its_own_file_but_reached_otherwise_keeps_its_conditional_finding(tmp_path, change):
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": OWN_FILE_SITE})
    write_project(tmp_path, change)
    assert found_by_file(lint_paths([str(tmp_path / "encoder.py")])) == [("encoder.py", 8, "RNN001")]


def test_a_class_built_in_its_own_file_and_elsewhere_is_what_both_sites_build(tmp_path):
    other = STREAMING.replace("bidirectional=False", "bidirectional=True")
    write_project(tmp_path, {"pyproject.toml": "", "encoder.py": OWN_FILE_SITE, "streaming.py": other})
    findings = lint_paths([str(tmp_path / "encoder.py")])
    assert found_by_file(findings) == [("encoder.py", 8, "RNN001")]
    assert "streaming.py:5" in findings[0].message


CONFIG_MODEL = """\
import torch.nn as nn


class Config:
    def __init__(self, vocab):
        self.vocab = vocab
        self.num_layers = 1
        self.dropout = {dropout}


class Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.emb = nn.Embedding(config.vocab, 8)
        self.lstm = nn.LSTM(8, 16, config.num_layers, dropout=config.dropout)

    def forward(self, x):
        return self.lstm(self.emb(x))
"""


def test_a_config_instance_from_another_file_is_read_by_its_attributes(tmp_path):
    run = "from models.rcnn import Config, Model\n\nconfig = Config(100)\nmodel = Model(config)\n"
    write_project(tmp_path, {"pyproject.toml": "", "models/rcnn.py": CONFIG_MODEL.format(dropout=0.5), "run.py": run})
    findings = lint_paths([str(tmp_path / "models" / "rcnn.py")])
    assert found_by_file(findings) == [("rcnn.py", 15, "RNN009")]
    assert "run.py:4" in findings[0].message


@pytest.mark.parametrize(("run", "expected"), [
    # the module the computed name picks builds its own Model from its own Config
    ("from importlib import import_module\n\n\ndef create(name):\n    x = import_module('models.' + name)\n"
     "    return x.Model(x.Config(100))\n", [("rcnn.py", 15, "RNN009")]),
    ("import importlib\n\n\ndef create(name):\n    x = importlib.import_module(f'models.{name}')\n"
     "    config = x.Config(100)\n    return x.Model(config)\n", [("rcnn.py", 15, "RNN009")]),
    # two computed modules: the Config may be another module's
    ("from importlib import import_module\n\n\ndef create(a, b):\n    config = import_module('models.' + a).Config(1)\n"
     "    return import_module('models.' + b).Model(config)\n", []),
    # the Config of a computed module given to a Model of another prefix: not this module's world
    ("from importlib import import_module\n\n\ndef create(name):\n    x = import_module('configs.' + name)\n"
     "    return x.Model(x.Config(100))\n", []),
])
def test_a_module_picked_by_a_computed_name_is_that_module_for_its_sites(tmp_path, run, expected):
    write_project(tmp_path, {"pyproject.toml": "", "models/rcnn.py": CONFIG_MODEL.format(dropout=0.5),
                             "models/deep.py": CONFIG_MODEL.format(dropout=0.0), "run.py": run})
    assert found_by_file(lint_paths([str(tmp_path / "models" / "rcnn.py")])) == expected
    assert found_by_file(lint_paths([str(tmp_path / "models" / "deep.py")])) == []


def test_shapes_shows_a_site_of_another_file_with_where_its_values_come_from(tmp_path):
    from rnnlint._shapes_report import shapes_report

    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=1)})
    model = tmp_path / "model.py"
    report = shapes_report(model.read_text(), str(model))
    assert f"{model}: class Decoder, as built at train.py:8" in report
    assert ("configuration: vocab=100, hidden=64 (argparse default, train.py:6), n_layers=1, dropout=0.5"
            in report)
    assert "self.gru = GRU(input_size=64, hidden_size=64, num_layers=1" in report


def test_shapes_json_findings_are_those_of_the_check_with_the_other_files_sites(tmp_path):
    from rnnlint._shapes_report import shapes_data

    write_project(tmp_path, {"pyproject.toml": "", "model.py": DECODER, "train.py": TRAIN.format(layers=1)})
    model = tmp_path / "model.py"
    data = shapes_data(model.read_text(), str(model))
    checked = lint_paths([str(model)])
    assert [(finding["code"], finding["location"]["row"]) for finding in data["findings"]] == \
        [(finding.code, finding.row) for finding in checked] == [("RNN009", 8)]


def test_shapes_of_text_without_a_file_reads_no_project(tmp_path):
    from rnnlint._shapes_report import shapes_report

    write_project(tmp_path, {"pyproject.toml": "", "train.py": TRAIN.format(layers=1)})
    report = shapes_report(DECODER, str(tmp_path / "model.py"))  # no such file: the text alone
    assert "as built at" not in report


PACKAGE_STREAMING = STREAMING.replace("from encoder import", "from frames import")


def test_a_package_init_that_only_re_exports_the_class_builds_nothing_and_binds_nothing(tmp_path):
    from rnnlint._project import project_for

    write_project(tmp_path, {"pyproject.toml": "", "frames/encoder.py": ENCODER,
                             "frames/__init__.py": "from .encoder import FrameEncoder\nfrom .heavy import Table\n",
                             "frames/heavy.py": DECODER.replace("Decoder", "Table"), "streaming.py": PACKAGE_STREAMING})
    # the only site is streaming's, which the flag does not reach: the class is closed
    assert found_by_file(lint_paths([str(tmp_path / "frames" / "encoder.py")])) == []
    project = project_for(tmp_path / "frames" / "encoder.py")
    assert project is not None
    assert not any(path.name == "heavy.py" for path in project._summaries)  # the init's imports: not bound


@pytest.mark.parametrize(("init", "site"), [
    ("from .encoder import FrameEncoder\n\nDEFAULT = FrameEncoder(20, 16, 30, bidirectional=True)\n",
     "frames/__init__.py:3"),
    # an alias built at module level: the run of the init is not left out, whatever it finds
    ("from .encoder import FrameEncoder as Encoder\n\nDEFAULT = Encoder(20, 16, 30, bidirectional=True)\n", None),
], ids=["by-name", "by-alias"])
def test_a_package_init_that_builds_the_class_at_module_level_is_still_run(tmp_path, init, site):
    write_project(tmp_path, {"pyproject.toml": "", "frames/encoder.py": ENCODER, "frames/__init__.py": init,
                             "streaming.py": PACKAGE_STREAMING})
    findings = lint_paths([str(tmp_path / "frames" / "encoder.py")])
    assert found_by_file(findings) == [("encoder.py", 8, "RNN001")]
    assert site is None or site in findings[0].message
