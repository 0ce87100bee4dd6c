"""The mutation benchmark (bench/mutation.py, the package bench/mutants/) as a test: no finding on the clean corpus, and
every rule reports at least 95 % of the torch-confirmed bugs injected for it (RNN010: see
LAYOUT_FLIP_OPERATORS below).

Runs the whole benchmark once per session (about half a minute); nothing is cached.
"""
import textwrap

import pytest

from conftest import ROOT, bench_package

pytest.importorskip("torch")

TARGET_RECALL = 0.95
MIN_CONFIRMED_TOTAL = 150
MIN_CONFIRMED_PER_RULE = 5


mutation = bench_package("mutants")
CODES_WITH_OPERATORS = sorted({op.code for op in mutation.OPERATORS})


@pytest.fixture(scope="module")
def result():
    return mutation.run_benchmark()


def _describe(result, names):
    by_name = {m["name"]: m for m in result["mutants"]}
    return "\n".join(f"  {name}  [found: {','.join(by_name[name]['found']) or 'nothing'}]  "
                     f"{by_name[name]['evidence']}" for name in names)


@pytest.mark.slow
def test_no_finding_on_the_clean_corpus(result):
    assert result["clean_findings"] == [], "\n".join(result["clean_findings"])


@pytest.mark.slow
def test_every_clean_model_runs(result):
    assert result["broken_originals"] == []


@pytest.mark.slow
def test_the_benchmark_makes_enough_confirmed_mutants(result):
    assert result["overall"]["confirmed"] >= MIN_CONFIRMED_TOTAL
    assert set(CODES_WITH_OPERATORS) <= set(mutation.RULE_CODES)
    thin = {code: result["rules"].get(code, {}).get("confirmed", 0) for code in CODES_WITH_OPERATORS}
    assert all(count >= MIN_CONFIRMED_PER_RULE for count in thin.values()), thin


@pytest.mark.slow
def test_rnnlint_never_crashes_on_a_mutant(result):
    crashes = result["overall"]["lint_crashes"]
    by_name = {m["name"]: m for m in result["mutants"]}
    assert crashes == [], "\n".join(f"{name}: {by_name[name]['lint_error']}" for name in crashes)


# RNN010's mutants flip `batch_first` on a pack or a pad. Torch confirms them with the data
# build() makes, but most are correct code for input of the other layout: the RNN's own
# `batch_first` says nothing about a tensor it only ever gets packed, and a padded output that
# is only returned may be meant time-major. The rule reports only where the code itself fixes
# the layout, so only such mutants are its to catch.
LAYOUT_FLIP_OPERATORS = ("pack_flip_batch_first", "pad_packed_flip_batch_first")
RNN010_FLOOR = 2


@pytest.mark.slow
@pytest.mark.parametrize("code", CODES_WITH_OPERATORS)
def test_rule_catches_its_confirmed_mutants(result, code):
    tally = result["rules"].get(code)
    assert tally is not None, f"no confirmed mutant is tied to {code}"
    if code == "RNN010":
        assert tally["intended"] >= RNN010_FLOOR, _describe(result, tally["misses"])
        assert all(any(operator in str(miss) for operator in LAYOUT_FLIP_OPERATORS) for miss in tally["misses"])
        return
    assert tally["recall"] >= TARGET_RECALL, (
        f"{code} caught {tally['intended']} of {tally['confirmed']} confirmed mutants "
        f"({100 * tally['recall']:.1f}% < {100 * TARGET_RECALL:.0f}%); not caught by {code}:\n"
        + _describe(result, tally["misses"]))


# The machinery itself, on a one-file corpus: a real bug is confirmed and classified, a
# mutation torch cannot tell apart from the original is not kept.

TINY_MODEL = '''
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, vocab=30, embed=8, hidden=12, n_classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, n_classes)

    def forward(self, tokens):
        out, (h_n, c_n) = self.lstm(self.embed(tokens))
        return self.fc(out[:, -1])


def build():
    torch.manual_seed(0)
    return Classifier(), (torch.randint(0, 30, (4, 6)),), (4, 3)
'''


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_corpus")
    (folder / "tiny_classifier.py").write_text(textwrap.dedent(TINY_MODEL))
    return {m["name"]: m for m in mutation.run_benchmark(folder)["mutants"]}


@pytest.mark.parametrize("name, code", [
    ("tiny_classifier:head_in_features_drop_directions:L11", "RNN001"),
    ("tiny_classifier:time_step_on_batch_axis:L15", "RNN004"),
    ("tiny_classifier:rnn_drop_batch_first:L10", "RNN004"),
    ("tiny_classifier:dropout_on_single_layer:L10", "RNN009"),
    ("tiny_classifier:input_size_doubled:L10", "RNN008"),
])
def test_a_real_bug_is_confirmed_and_classified(tiny, name, code):
    mutant = tiny[name]
    assert mutant["code"] == code
    assert mutant["confirmed"], mutant["evidence"]
    assert mutant["verdict"] == ("intended" if code in mutant["found"] else "other" if mutant["found"] else "missed")


def test_a_mutation_without_effect_is_not_kept(tiny):
    # `out, h_n = ...` where neither h_n nor c_n is used: the same model, so not a bug
    mutant = tiny["tiny_classifier:lstm_state_unpacked_as_tensor:L14"]
    assert not mutant["confirmed"]
    assert mutant["verdict"] == ""


def test_the_input_is_shared_when_a_mutation_shifts_the_random_stream(tmp_path):
    # the head's weight is drawn before the input: a smaller head would change the input too
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "shifted.py").write_text(textwrap.dedent(TINY_MODEL))
    original = mutation.execute(folder / "shifted.py")
    head = "nn.Linear(2 * hidden, n_classes)"
    source = (folder / "shifted.py").read_text().replace(head, head + "\n        self.spare = nn.Linear(5, 5)")
    (tmp_path / "mutant.py").write_text(source)
    mutant = mutation.execute(tmp_path / "mutant.py", reference=original)
    assert mutation.misbehaviour(original, mutant) is None


@pytest.mark.slow
def test_readme_headline_states_the_measured_figures(result):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    overall = result["overall"]
    clean = len(list((ROOT / "tests" / "corpus" / "clean").glob("*.py")))
    assert f"on {clean} correct recurrent models" in readme
    assert f"of {overall['confirmed']} classic bugs" in readme
    assert f"it reports {overall['intended']} ({100 * overall['intended'] / overall['confirmed']:.1f} %)" in readme
