"""Runs every model of the clean corpora with real torch and checks the shape it returns.

The corpora in tests/corpus/clean, tests/corpus/clean_axes and tests/corpus/clean_program are
data, not packages: each file is imported by path and provides `build() -> (model, inputs, expected_shape)`.
"""
import importlib.util
import sys
import warnings
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

CLEAN_CORPUS_DIR = Path(__file__).parent / "corpus" / "clean"
# correct look-alikes of axis, layout and cell code (see tests/test_corpus_clean_axes.py)
AXES_CORPUS_DIR = Path(__file__).parent / "corpus" / "clean_axes"
# correct look-alikes of values the rest of the file sets (see tests/test_corpus_clean_program.py)
PROGRAM_CORPUS_DIR = Path(__file__).parent / "corpus" / "clean_program"
CORPUS_FILES = (sorted(CLEAN_CORPUS_DIR.glob("*.py")) + sorted(AXES_CORPUS_DIR.glob("*.py"))
                + sorted(PROGRAM_CORPUS_DIR.glob("*.py")))
MINIMUM_CORPUS_SIZE = 60
SINGLE_LAYER_DROPOUT_WARNING = "dropout option adds dropout after all but last recurrent layer"


def import_corpus_file(path):
    module_name = f"rnnlint_clean_corpus_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is created
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def checked_tensor(result):
    """The output itself, or its first element when the forward returns a tuple."""
    if isinstance(result, tuple):
        return result[0]
    return result


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[path.stem for path in CORPUS_FILES])
def test_clean_model_returns_expected_shape(path):
    torch.set_num_threads(1)
    module = import_corpus_file(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model, inputs, expected_shape = module.build()
        assert isinstance(inputs, tuple)
        assert all(isinstance(size, int) for size in expected_shape)
        model.eval()
        with torch.no_grad():
            output = checked_tensor(model(*inputs))
    assert isinstance(output, torch.Tensor)
    assert tuple(output.shape) == tuple(expected_shape)
    assert torch.isfinite(output).all()
    # torch warns when dropout is asked of an RNN that has a single layer
    messages = [str(warning.message) for warning in caught]
    assert not [message for message in messages if SINGLE_LAYER_DROPOUT_WARNING in message]


def test_clean_corpus_is_large_enough():
    assert len(list(CLEAN_CORPUS_DIR.glob("*.py"))) >= MINIMUM_CORPUS_SIZE
