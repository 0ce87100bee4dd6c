"""``rnnlint shapes --format json|html|mermaid`` and folders: the data the pictures are drawn from."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from rnnlint._shapes_report import SCHEMA_VERSION, shapes_data

from conftest import ROOT, run_rnnlint

SEED = textwrap.dedent("""
    import torch
    import torch.nn as nn


    class BiRNN(nn.Module):
        def __init__(self, input_size, HL_size, num_layers, out_size):
            super().__init__()
            self.rnn = nn.RNN(input_size, HL_size, num_layers, batch_first=True, bidirectional=True)
            self.fc = nn.Linear(2 * HL_size, out_size)

        def forward(self, x):
            output, h_n = self.rnn(x)
            last = torch.cat((h_n[-2], h_n[-1]), dim=1)
            return self.fc(last)
""")

# the same model with the head built for one direction and fed the last time step
SEED_BUGGY = SEED.replace("nn.Linear(2 * HL_size, out_size)", "nn.Linear(HL_size, out_size)").replace(
    "last = torch.cat((h_n[-2], h_n[-1]), dim=1)", "last = output[:, -1]")


def _call(data: dict, index: int = 0) -> dict:
    return data["classes"][index]["recurrent"][0]


def test_json_of_the_seed_model_names_every_shape_and_axis():
    data = shapes_data(SEED, "seed.py")
    assert data["version"] == SCHEMA_VERSION == 1 and data["error"] is None and data["findings"] == []
    (entry,) = data["classes"]
    assert [layer["attribute"] for layer in entry["layers"]] == ["self.rnn", "self.fc"]
    config = entry["layers"][0]["cases"][0]["config"]
    assert config["batch_first"] is True and config["bidirectional"] is True and config["hidden_size"] == "HL_size"
    assert config["nonlinearity"] == "'tanh'" and config["num_layers"] == "num_layers"
    lines = {line["row"]: line for line in entry["forward"]}
    output, h_n = lines[13]["tensors"]
    assert (output["name"], output["cases"][0]["shape"], output["cases"][0]["axes"]) == (
        "output", ["batch", "seq", "2*HL_size"], ["batch", "seq", "feature"])
    assert h_n["cases"][0]["shape"] == ["2*num_layers", "batch", "HL_size"]
    assert h_n["cases"][0]["axes"] == ["num_layers*num_directions", "batch", "feature"]
    call = _call(data)
    (case,) = call["cases"]
    assert (case["num_directions"], case["batch_first"], case["num_layers"]) == (2, True, "num_layers")
    assert case["expected_input"] == {"shape": ["batch", "seq", "input_size"], "axes": ["batch", "seq", "feature"]}
    assert case["c_n"] is None and case["h_n"]["text"] == "(2*num_layers, batch, HL_size)"
    assert [(read["text"], read["into"], read["cases"][0]["slots"]) for read in call["reads"]] == [
        ("h_n[-2]", "self.fc", [{"layer": -1, "direction": "forward"}]),
        ("h_n[-1]", "self.fc", [{"layer": -1, "direction": "backward"}]),
    ]
    (head,) = call["heads"]
    assert (head["attribute"], head["in_features"], head["receives"], head["reads"]) == (
        "self.fc", "2*HL_size", "2*HL_size", [0, 1])


def test_json_places_each_finding_where_it_happens():
    data = shapes_data(SEED_BUGGY, "seed.py")
    entry = data["classes"][0]
    fc = entry["layers"][1]
    assert [finding["code"] for finding in fc["findings"]] == ["RNN001"]
    assert fc["findings"][0]["location"] == {"row": 10, "column": 19}  # 1-based, as `rnnlint check` prints it
    assert all(not line["findings"] for line in entry["forward"]) and entry["findings"] == [] == data["findings"]
    (read,) = _call(data)["reads"]
    assert (read["of"], read["text"], read["cases"][0]["steps"], read["cases"][0]["batch"]) == (
        "output", "output[:, -1]", "last", "all")


def test_sequence_first_last_step_on_the_batch_axis_is_a_read_of_every_step():
    source = (ROOT / "examples/rnn004_batch_axis_as_time/buggy.py").read_text()
    data = shapes_data(source, "buggy.py")
    (read,) = _call(data)["reads"]
    assert read["cases"][0]["steps"] == "all" and read["cases"][0]["batch"] == "one"
    (line,) = [line for line in data["classes"][0]["forward"] if line["findings"]]
    assert line["findings"][0]["code"] == "RNN004" and line["row"] == read["location"]["row"]


def test_slots_of_a_known_layer_count_and_of_a_slice():
    source = SEED.replace("num_layers, batch_first", "2, batch_first").replace(
        "torch.cat((h_n[-2], h_n[-1]), dim=1)", "h_n[-2:].sum(0) + h_n[0]")
    reads = _call(shapes_data(source, "m.py"))["reads"]
    slots = {read["text"]: read["cases"][0]["slots"] for read in reads}
    assert slots["h_n[-2:]"] == [{"layer": 1, "direction": "forward"}, {"layer": 1, "direction": "backward"}]
    assert slots["h_n[0]"] == [{"layer": 0, "direction": "forward"}]


def test_a_flag_from_a_parameter_gives_one_case_per_value():
    source = SEED.replace("bidirectional=True", "bidirectional=bidirectional").replace(
        "num_layers, out_size)", "num_layers, out_size, bidirectional=False)")
    cases = _call(shapes_data(source, "m.py"))["cases"]
    assert sorted((case["when"][0]["is"], case["num_directions"]) for case in cases) == [(False, 1), (True, 2)]


def test_unparsable_text_is_an_error_field_not_an_exception():
    data = shapes_data("class A(:\n", "bad.py")
    assert data["error"]["location"]["row"] == 1 and data["classes"] == []


def test_every_json_field_is_documented():
    documented = set(re.findall(r"`([a-z_0-9]+)`", (ROOT / "docs" / "shapes-json.md").read_text(encoding="utf-8")))
    seen = set()

    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                seen.add(key)
                if key != "config":  # its keys are the constructor's parameter names
                    keys(value)
        elif isinstance(node, list):
            for value in node:
                keys(value)

    result = run_rnnlint("shapes", "--format", "json", ROOT / "examples")
    assert result.returncode == 0, result.stderr
    keys(json.loads(result.stdout))
    keys(shapes_data(SEED_BUGGY, "m.py"))
    assert seen - documented == set()


def test_folder_is_walked_like_check(tmp_path):
    (tmp_path / "model.py").write_text(SEED)
    (tmp_path / "util.py").write_text("def f():\n    return 1\n")  # no recurrent code: skipped
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "other.py").write_text(SEED)
    result = run_rnnlint("shapes", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": class BiRNN") == 1 and "util.py" not in result.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    quiet = run_rnnlint("shapes", empty)
    assert (quiet.returncode, quiet.stdout) == (0, "") and quiet.stderr.startswith("rnnlint: warning: no file uses")
    as_json = json.loads(run_rnnlint("shapes", "--format", "json", tmp_path).stdout)
    assert [file["path"] for file in as_json["files"]] == [str(tmp_path / "model.py")]
    assert as_json["version"] == 1


def test_folder_of_examples_lists_every_model():
    result = run_rnnlint("shapes", ROOT / "examples")
    assert result.returncode == 0, result.stderr
    assert len(re.findall(r"^\S+\.py: class ", result.stdout, re.MULTILINE)) == 22


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import torch.nn as nn\nclass A(:\n")
    for fmt in ("text", "json", "html", "mermaid"):
        result = run_rnnlint("shapes", "--format", fmt, broken)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, (fmt, result.stderr)
        assert result.stderr.startswith("rnnlint: error:") and "Traceback" not in result.stderr
    result = run_rnnlint("shapes", "--format", "svg", broken)
    assert result.returncode == 2 and result.stderr.startswith("rnnlint: error:")
    result = run_rnnlint("shapes", "-o", tmp_path / "no" / "such" / "dir.html", "--format", "html", broken)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_html_is_one_self_contained_page_with_the_labels(tmp_path):
    model = tmp_path / "model.py"
    model.write_text(SEED_BUGGY)
    page = tmp_path / "model.html"
    result = run_rnnlint("shapes", "--format", "html", model, "-o", page)
    assert result.returncode == 0 and result.stdout == "", result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 1
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert re.findall(r"(?:src|href)=", html) == []
    two = run_rnnlint("shapes", "--format", "html", model, ROOT / "examples" / "rnn010_packed_layout_mismatch").stdout
    ids = re.findall(r'id="([^"]+)"', two)
    assert len(ids) == len(set(ids)) and two.count("<svg") >= 3  # several pictures, each with its own markers
    assert set(re.findall(r"url\(#([^)]+)\)", two)) <= set(ids)
    for label in ("output: (batch, seq, 2*HL_size)", "h_n: (2*num_layers, batch, HL_size)",
                  "h_n[-1]", "h_n[-2]", "output[:, -1]", "self.fc = Linear(in_features=HL_size)",
                  "axes: batch × seq × feature", "RNN001 (line 10)"):
        assert label in html, label


def test_html_of_a_correct_model_draws_no_finding(tmp_path):
    model = tmp_path / "model.py"
    model.write_text(SEED)
    html = run_rnnlint("shapes", "--format", "html", model).stdout
    assert "RNN0" not in html and "self.fc = Linear(in_features=2*HL_size)" in html


def test_mermaid_is_markdown_with_a_flowchart_and_the_finding(tmp_path):
    model = tmp_path / "model.py"
    model.write_text(SEED_BUGGY)
    result = run_rnnlint("shapes", "--format", "mermaid", model)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.count("```mermaid\nflowchart BT\n") == 1 and text.rstrip().endswith("```")
    assert '["output: (batch, seq, 2*HL_size)"]' in text and '["output[:, -1]"]' in text
    assert "RNN001: self.fc takes HL_size input features" in text and "classDef finding" in text
    clean = tmp_path / "clean.py"
    clean.write_text(SEED)
    assert "finding" not in run_rnnlint("shapes", "--format", "mermaid", clean).stdout


@pytest.mark.slow  # every corpus model in every format
def test_every_correct_corpus_model_draws_in_every_format_without_a_finding():
    from rnnlint._shapes_picture import html_page, mermaid

    # the single-file corpora of correct models (tests/corpus/projects is read as whole projects)
    files = sorted(path for folder in ("clean", "clean_axes")
                   for path in (ROOT / "tests" / "corpus" / folder).rglob("*.py"))
    grids = 0
    for path in files:
        data = shapes_data(path.read_text(encoding="utf-8"), str(path))
        page, chart = html_page([data]), mermaid([data])
        grids += page.count("<svg")
        assert "RNN0" not in page and "finding" not in chart, path
        json.dumps(data)  # plain data only
    assert len(files) >= 70 and grids >= len(files)
    for path in sorted((ROOT / "tests" / "corpus" / "projects").rglob("*.py")):  # drawn without an error
        data = shapes_data(path.read_text(encoding="utf-8"), str(path))
        assert html_page([data]).endswith("</html>\n") and mermaid([data])


BRANCHES = textwrap.dedent("""
    import torch
    import torch.nn as nn


    class Classifier(nn.Module):
        def __init__(self, hidden, bidirectional=False):
            super().__init__()
            self.bidirectional = bidirectional
            self.gru = nn.GRU(8, hidden, batch_first=True, bidirectional=bidirectional)
            self.fc = nn.Linear(2 * hidden if bidirectional else hidden, 3)

        def forward(self, x):
            _, h_n = self.gru(x)
            first = h_n[0]
            first = h_n[-1]
            if self.bidirectional:
                feature = torch.cat((h_n[-2], h_n[-1]), dim=1)
            else:
                feature = first
            return self.fc(feature)
""")


def test_reads_in_branches_reach_the_head_and_an_overwritten_one_does_not():
    from rnnlint._shapes_picture import html_page

    data = shapes_data(BRANCHES, "m.py")
    assert data["classes"][0]["findings"] == [] and all(not line["findings"] for line in data["classes"][0]["forward"])
    call = _call(data)
    into = {(read["location"]["row"], read["text"]): read["into"] for read in call["reads"]}
    assert into == {(15, "h_n[0]"): None, (16, "h_n[-1]"): "self.fc", (18, "h_n[-2]"): "self.fc",
                    (18, "h_n[-1]"): "self.fc"}
    slots = {(read["location"]["row"], case["when"][0]["is"]): case["slots"] for read in call["reads"]
             for case in read["cases"]}
    assert slots[(16, False)] == [{"layer": 0, "direction": "forward"}]  # h_n[-1] of one direction
    assert slots[(16, True)] == [{"layer": 0, "direction": "backward"}]
    assert (18, False) not in slots  # the branch runs only where the RNN is bidirectional
    (head,) = call["heads"]
    assert sorted((case["when"][0]["is"], case["in_features"], case["receives"]) for case in head["cases"]) == [
        (False, "hidden", "hidden"), (True, "2*hidden", "2*hidden")]
    figures = {}
    for figure in html_page([data]).split("<figure>")[1:]:
        figure = figure[:figure.index("</figure>")]
        figures["bidirectional is true" in figure] = figure
    # the read of the forward direction happens only where the RNN is bidirectional
    assert ">h_n[-2]<" in figures[True] and "in_features=2*hidden)" in figures[True]
    assert ">h_n[-2]<" not in figures[False] and "in_features=hidden)" in figures[False]


def test_slot_of_an_index_counts_layers_from_the_end_when_their_number_is_not_known():
    from rnnlint._shapes_report import _slot

    assert _slot(-3, 2, None) == {"layer": -2, "direction": "backward"}
    assert _slot(-4, 2, None) == {"layer": -2, "direction": "forward"}
    assert _slot(3, 2, None) == {"layer": 1, "direction": "backward"}
    assert _slot(-1, 1, 3) == {"layer": 2, "direction": "forward"}
    assert _slot(-1, 2, 3) == {"layer": 2, "direction": "backward"}


def test_a_read_returned_by_forward_flows_into_return():
    source = textwrap.dedent("""
        import torch.nn as nn


        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)

            def forward(self, x):
                out, (h_n, c_n) = self.lstm(x)
                summary = h_n[-1]
                return summary
    """)
    call = _call(shapes_data(source, "m.py"))
    (read,) = call["reads"]
    assert (read["of"], read["into"], read["cases"][0]["slots"]) == (
        "h_n", "return", [{"layer": 1, "direction": "forward"}])
    assert call["heads"] == [] and call["cases"][0]["c_n"]["text"] == "(2, batch, 16)"
