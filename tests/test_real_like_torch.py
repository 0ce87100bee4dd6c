"""Every buggy case of bench/real_like misbehaves under real torch, in the way it declares.

A case is a single file (bench/real_like/axes/NAME.py) or a small project
(bench/real_like/projects/NAME/ with its entry in build.py). The entry provides
`build() -> (model, inputs)` and `EFFECT`, one of:

- `raises`: the forward raises, with a message that matches `ERROR`;
- `wrong_shape`: the result is not `EXPECTED_SHAPE`, the shape the code means to return;
- `mixes_samples`: changing sample 1 of the input changes sample 0's result (`BATCH_AXES`
  gives each input's batch axis, 0 by default; the result's batch axis is 0; float inputs get
  noise, token inputs of two or more axes other tokens, one-axis integer inputs such as
  lengths are left alone);
- `differs_from_intended`: the result has the shape of `intended(model, *inputs)`, what the
  code means to compute, but other values;
- `ignores_parameters`: perturbing `IGNORED_PARAMETERS` leaves the result unchanged, while
  perturbing every parameter changes it;
- `dropout_warning`: building the model makes torch warn that the dropout cannot act.

The checks are tried on correct models too (the control tests at the end): each must be able
to fail. rnnlint's recall on these cases is a benchmark (bench/real_like/score.py), not a test.
"""
import contextlib
import importlib.util
import sys
import warnings
from pathlib import Path

import pytest

from conftest import project_on_path

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parent.parent
REAL_LIKE = ROOT / "bench" / "real_like"
CASES = sorted(REAL_LIKE.glob("axes/*.py")) + sorted(path.parent for path in REAL_LIKE.glob("projects/*/build.py"))
CLEAN = ROOT / "tests" / "corpus" / "clean"
SINGLE_LAYER_DROPOUT_WARNING = "dropout option adds dropout after all but last recurrent layer"
EFFECTS = {"raises", "wrong_shape", "mixes_samples", "differs_from_intended", "ignores_parameters",
           "dropout_warning"}


def _case_id(case: Path) -> str:
    return f"{case.parent.name}/{case.stem if case.is_file() else case.name}"


class Loaded:
    """A case's entry module, imported with its project on `sys.path`; undone by `close()`."""

    def __init__(self, case: Path):
        self._stack = contextlib.ExitStack()
        entry = case
        if case.is_dir():
            entry = case / "build.py"
            self._stack.enter_context(project_on_path(case))
        else:
            self._stack.enter_context(project_on_path(case.parent))
        name = f"rnnlint_real_like_{case.parent.name}_{case.stem}"
        spec = importlib.util.spec_from_file_location(name, entry)
        self.module = importlib.util.module_from_spec(spec)
        sys.modules[name] = self.module
        try:
            spec.loader.exec_module(self.module)
        except BaseException:
            self.close()
            raise

    def close(self):
        self._stack.close()


@pytest.fixture
def load():
    opened = []

    def _load(case):
        loaded = Loaded(case)
        opened.append(loaded)
        return loaded.module

    yield _load
    for loaded in opened:
        loaded.close()


def _first(result):
    return result[0] if isinstance(result, tuple) else result


def _run(model, inputs):
    model.eval()
    with torch.no_grad():
        return _first(model(*inputs))


def _with_sample_changed(inputs, batch_axes, sample=1):
    generator = torch.Generator().manual_seed(1)
    changed = []
    for value, axis in zip(inputs, batch_axes, strict=False):
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            value = value.clone()
            part = value.select(axis, sample)
            part.add_(torch.randn(part.shape, generator=generator))
        elif isinstance(value, torch.Tensor) and value.dim() >= 2:  # token ids
            value = value.clone()
            part = value.select(axis, sample)
            part.copy_(torch.randint(0, int(value.max()) + 1, part.shape, generator=generator))
        changed.append(value)
    return tuple(changed)


def mixes_samples(model, inputs, batch_axes, out_axis=0) -> bool:
    """Whether sample 0's result depends on sample 1 of the input."""
    batch_axes = tuple(batch_axes) + (0,) * (len(inputs) - len(batch_axes))
    before = _run(model, inputs)
    after = _run(model, _with_sample_changed(inputs, batch_axes))
    return not torch.allclose(before.select(out_axis, 0), after.select(out_axis, 0))


def ignores(model, inputs, names) -> bool:
    """Whether the result is blind to the parameters `names` (and not to all of them)."""
    before = _run(model, inputs)
    parameters = dict(model.named_parameters())
    saved = {name: param.detach().clone() for name, param in parameters.items()}
    try:
        with torch.no_grad():
            for name in names:
                parameters[name].add_(torch.randn_like(parameters[name]))
        blind = torch.allclose(before, _run(model, inputs))
        with torch.no_grad():
            for param in parameters.values():
                param.add_(torch.randn_like(param))
        sensitive = not torch.allclose(before, _run(model, inputs))
    finally:
        with torch.no_grad():
            for name, param in parameters.items():
                param.copy_(saved[name])
    return blind and sensitive


def dropout_warned(build) -> bool:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build()
    return any(SINGLE_LAYER_DROPOUT_WARNING in str(warning.message) for warning in caught)


def test_there_are_cases_of_both_kinds():
    assert len([case for case in CASES if case.is_dir()]) >= 10
    assert len([case for case in CASES if case.is_file()]) >= 12


@pytest.mark.parametrize("case", CASES, ids=[_case_id(case) for case in CASES])
def test_buggy_case_misbehaves_under_torch(case, load):
    torch.set_num_threads(1)
    module = load(case)
    effect = module.EFFECT
    assert effect in EFFECTS
    if effect == "dropout_warning":
        assert dropout_warned(module.build)
        return
    torch.manual_seed(0)
    model, inputs = module.build()
    assert isinstance(inputs, tuple)
    if effect == "raises":
        with pytest.raises((RuntimeError, ValueError, TypeError, IndexError), match=module.ERROR):
            _run(model, inputs)
    elif effect == "wrong_shape":
        assert tuple(_run(model, inputs).shape) != tuple(module.EXPECTED_SHAPE)
    elif effect == "mixes_samples":
        assert mixes_samples(model, inputs, getattr(module, "BATCH_AXES", ()))
    elif effect == "differs_from_intended":
        got = _run(model, inputs)
        with torch.no_grad():
            meant = _first(module.intended(model, *inputs))
        assert got.shape == meant.shape
        assert not torch.allclose(got, meant)
    elif effect == "ignores_parameters":
        assert ignores(model, inputs, module.IGNORED_PARAMETERS)
    if effect != "raises":
        # a silent bug: the model runs and returns finite values
        assert torch.isfinite(_run(model, inputs)).all()


# Controls: each check says "no" on correct code, so a case that passes is not a check that
# cannot fail.


def _clean(path, load):
    torch.manual_seed(0)
    model, inputs, _ = load(path).build()
    return model, inputs


def test_control_a_correct_step_loop_keeps_samples_apart(load):
    model, inputs = _clean(CLEAN.parent / "clean_axes" / "rnncell_batch_first_loop.py", load)
    assert not mixes_samples(model, inputs, ())


def test_control_a_correct_bridge_keeps_samples_apart(load):
    model, inputs = _clean(CLEAN.parent / "clean_axes" / "opennmt_bridge_permute_view.py", load)
    assert not mixes_samples(model, inputs, (1, 1), out_axis=1)


def test_control_a_model_that_reads_the_batch_as_time_is_caught(load):
    model, inputs = _clean(CLEAN / "bilstm_pos_tagger.py", load)  # (seq, batch) tokens
    assert mixes_samples(model, inputs, (0,), out_axis=1)


def test_control_both_directions_are_read_by_a_correct_head(load):
    model, inputs = _clean(CLEAN / "hn_view_layers_directions_gru.py", load)
    forward = ("gru.weight_ih_l2", "gru.weight_hh_l2", "gru.bias_ih_l2", "gru.bias_hh_l2")
    assert not ignores(model, inputs, forward)


def test_control_a_correct_model_does_not_warn_about_dropout(load):
    module = load(CLEAN / "awd_style_lstm_stack.py")
    assert not dropout_warned(module.build)
