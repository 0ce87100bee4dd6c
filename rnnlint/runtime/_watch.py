"""`watch`: hooks on the recurrent modules of a model (and on its Linears when sizes are
declared) that check every call. One set of hooks per module however many watches cover it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ._checks import (
    CellSpec,
    LinearSpec,
    Name,
    PerLayer,
    RecurrentSpec,
    Sizes,
    cell_config,
    recurrent_config,
    view_axes,
)

try:
    _is_compiling: Callable[[], bool] = torch.compiler.is_compiling
except AttributeError:  # torch < 2.3
    _is_compiling = torch._dynamo.is_compiling


@torch.compiler.disable
def _outside_graph(check: Callable[..., None], *args: Any) -> None:
    __tracebackhide__ = True
    check(*args)


def _checks_under_compile() -> bool:
    """Whether checks traced by torch.compile should run outside the graph: yes while the
    compiler breaks the graph at every recurrent module anyway (``allow_rnn`` off, the
    default); with ``allow_rnn`` on, an extra break would spoil ``fullgraph=True``."""
    return not torch._dynamo.config.allow_rnn


class _Attachment:
    """The hooks on one module, and the watches that currently cover it (innermost last).

    The forward pre-hook checks every call. The forward hook is there only while a result
    needs checking: once per new input shape, or on every call when a head must recognise
    the module's h_n and c_n. A module with hooks leaves PyTorch's fast call path, which
    costs more than the checks themselves, so the second hook comes and goes.
    """

    def __init__(self, module: nn.Module) -> None:
        self.entries: list[tuple[Watch, Any]] = []
        self.module = weakref.ref(module)
        self.recording = False
        self.unverified = False
        self.per_layer: PerLayer | None = None
        # the hooks of watches that judge their heads when this module returns
        self.root_hooks: list[Any] = []
        self.pre_hook = module.register_forward_pre_hook(self.before, with_kwargs=True)
        self.result_hook: Any = None
        # copies (copy.deepcopy, pickle, torch.save) take the module's state without these
        # hooks, and torch.jit.script says why it cannot compile them: both look these names
        # up on the instance
        reference = weakref.ref(self)
        module.__dict__["__getstate__"] = _StateWithoutWatch(reference, weakref.ref(module))
        module.__dict__["__prepare_scriptable__"] = _RefuseScript(reference)

    def __reduce__(self) -> tuple:
        # a model copied or pickled while watched keeps inert hooks: the watch stays with
        # the original, and its names and callbacks need not be picklable
        return (_inert_attachment, ())

    def before(self, module: nn.Module, args: tuple, kwargs: dict) -> None:
        __tracebackhide__ = True
        if not self.entries:
            return
        watch, spec = self.entries[-1]
        if _is_compiling():
            # traced shapes may be symbolic: check the real tensors outside the graph; a head
            # with no recurrent module to recognise has nothing to check, and breaks no graph
            if isinstance(spec, LinearSpec) and not spec.watches_any:
                return
            if _checks_under_compile():
                _outside_graph(spec.check_call, args, kwargs, watch.sizes)
            return
        if isinstance(spec, LinearSpec):
            self.per_layer = spec.check_call(args, kwargs, watch.sizes)
            if self.per_layer is not None and self.result_hook is None:
                self.result_hook = module.register_forward_hook(self.after, with_kwargs=True)
            return
        if watch.pending:
            state = args[1] if len(args) > 1 else kwargs.get("hx")
            if state is not None:
                watch.passed_as_state(state)
        expected = spec.check_call(args, kwargs, watch.sizes)
        if expected is not None and not expected.verified:
            self.unverified = True
            if self.result_hook is None:
                self.result_hook = module.register_forward_hook(self.after, with_kwargs=True)

    def after(self, module: nn.Module, args: tuple, kwargs: dict, result: Any) -> None:
        __tracebackhide__ = True
        if not self.entries:
            return
        if _is_compiling():
            if _checks_under_compile():
                _outside_graph(self.after, module, args, kwargs, result)
            return
        if self.per_layer is not None:
            watch, _ = self.entries[-1]
            per_layer, self.per_layer = self.per_layer, None
            if isinstance(result, torch.Tensor) and len(watch.pending) < _PENDING_LIMIT:
                watch.pending.append((result, per_layer))
            self._drop_result_hook()
            return
        if self.unverified:
            self.unverified = False
            watch, spec = self.entries[-1]
            expected = spec.expected_for(args, kwargs, watch.sizes)
            if expected is not None and not expected.verified:
                spec.check_result(expected, result)
        if self.recording:
            for _, spec in self.entries:
                spec.record(result)
        else:
            self._drop_result_hook()

    def update(self) -> None:
        """Follow the entries: keep the forward hook while some watch records states."""
        self.recording = any(getattr(spec, "record_states", False) for _, spec in self.entries)
        module = self.module()
        if self.recording and self.result_hook is None and module is not None:
            self.result_hook = module.register_forward_hook(self.after, with_kwargs=True)

    def _drop_result_hook(self) -> None:
        if self.result_hook is not None:
            self.result_hook.remove()
            self.result_hook = None

    def hook_ids(self) -> set:
        ids = {self.pre_hook.id, *(handle.id for handle in self.root_hooks)}
        if self.result_hook is not None:
            ids.add(self.result_hook.id)
        return ids

    def remove(self) -> None:
        self.pre_hook.remove()
        self._drop_result_hook()
        for handle in self.root_hooks:
            handle.remove()
        module = self.module()
        if module is not None:
            for name, kind in (("__getstate__", _StateWithoutWatch), ("__prepare_scriptable__", _RefuseScript)):
                if isinstance(module.__dict__.get(name), kind):
                    del module.__dict__[name]


# per-layer results held for one outermost call at most; a bound for models called piecemeal
_PENDING_LIMIT = 16

_HOOK_DICTS = ("_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks",
               "_forward_hooks_with_kwargs", "_forward_hooks_always_called")


class _StateWithoutWatch:
    """A watched module's ``__getstate__``: its usual state, less the watch's hooks."""

    def __init__(self, attachment: Any, module: Any) -> None:
        self.attachment, self.module = attachment, module

    def __call__(self) -> dict:
        module, attachment = self.module(), self.attachment()
        state = dict(type(module).__getstate__(module))
        state.pop("__getstate__", None)
        state.pop("__prepare_scriptable__", None)
        ours = attachment.hook_ids() if attachment is not None and hasattr(attachment, "pre_hook") else set()
        for name in _HOOK_DICTS:
            hooks = state.get(name)
            if isinstance(hooks, dict) and ours & hooks.keys():
                state[name] = type(hooks)((key, value) for key, value in hooks.items() if key not in ours)
        return state

    def __reduce__(self) -> tuple:
        return (_no_state, ())  # a module's __dict__ copied whole (DataParallel) carries nothing


def _no_state() -> None:
    return None


class _RefuseScript:
    """``torch.jit.script`` calls a module's ``__prepare_scriptable__`` first: the watch's
    hooks are Python, and TorchScript cannot compile them."""

    def __init__(self, attachment: Any) -> None:
        self.attachment = attachment

    def __call__(self) -> nn.Module:
        attachment = self.attachment()
        module = attachment.module() if attachment is not None else None
        if module is None or attachment is None:
            raise RuntimeError("rnnlint: torch.jit.script cannot compile the hooks of "
                               "rnnlint.runtime.watch; script the model outside the watch")
        # name the watched recurrent module in it (itself, or one it holds)
        names: list[str] = []
        for inner in module.modules():
            inner_attachment = _ATTACHED.get(inner)
            if (inner_attachment is not None and inner_attachment.entries
                    and recurrent_config(inner) is not None):
                names = [watch_name(spec) for _, spec in inner_attachment.entries]
                module = inner
                break
        else:
            # nothing recurrent is watched inside: the hooks only watched heads, which have
            # nothing to check here; they step aside and TorchScript compiles the module
            attachment.remove()
            _ATTACHED.pop(module, None)
            return module
        where = f" on `{names[-1]}`" if names else ""
        raise RuntimeError(
            f"rnnlint: torch.jit.script cannot compile the hooks that rnnlint.runtime.watch puts{where} "
            f"({type(module).__name__}); script the model outside the `with watch(...)` block, "
            "and watch the Python model (a scripted model is never watched)")

    def __reduce__(self) -> tuple:
        return (_no_state, ())


def watch_name(spec: Any) -> str:
    name = getattr(spec, "name", "")
    try:
        return name() if callable(name) else str(name)
    except Exception:  # noqa: BLE001 - a name is only for the message
        return "model"


def _inert_attachment() -> _Attachment:
    inert = _Attachment.__new__(_Attachment)
    inert.entries = []
    inert.root_hooks = []
    return inert


_ATTACHED: weakref.WeakKeyDictionary[nn.Module, _Attachment] = weakref.WeakKeyDictionary()


class Watch:
    """An active watch: a context manager, or a handle to `remove` when done."""

    def __init__(self, batch: int | None = None, seq: int | None = None,
                 heads: bool | None = None) -> None:
        self.sizes = Sizes(batch, seq)
        self.watches_heads = batch is not None if heads is None else bool(heads)
        self.recurrent: list[RecurrentSpec] = []
        self.linears: list[LinearSpec] = []
        self.cells: list[CellSpec] = []
        self._covered: list[tuple[nn.Module, Any]] = []
        self._removed = False
        # heads' per-layer results waiting for the verdict, given when the outermost watched
        # model returns: (the head's result, what it was fed); a view of the result may
        # outlive its Python object, so the result is held until then
        self.pending: list[tuple[torch.Tensor, PerLayer]] = []
        self._roots: weakref.WeakKeyDictionary[nn.Module, list] = weakref.WeakKeyDictionary()
        self._depth = 0

    def add_root(self, module: nn.Module) -> None:
        """Judge the heads' per-layer results when ``module`` returns (outermost call only)."""
        if module in self._roots or not self.watches_heads:
            return
        handles = [
            module.register_forward_pre_hook(self._root_called),
            module.register_forward_hook(self._root_returned, always_call=True),
        ]
        self._roots[module] = handles
        # kept with the module's other watch hooks, so that copies leave them behind too
        attachment = _ATTACHED.get(module)
        if attachment is None:
            attachment = _ATTACHED[module] = _Attachment(module)
        attachment.root_hooks.extend(handles)

    def _root_called(self, _module: nn.Module, _args: tuple) -> None:
        if not _is_compiling():
            self._depth += 1

    def _root_returned(self, _module: nn.Module, _args: tuple, result: Any) -> None:
        __tracebackhide__ = True
        if _is_compiling():
            return
        self._depth = max(self._depth - 1, 0)
        if self._depth:
            return
        for spec in self.recurrent:
            spec.recent.clear()
        for step in self.cells:
            step.recent.clear()
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        for per_layer in _returned_per_layer(result, pending):
            raise per_layer.error()

    def passed_as_state(self, state: Any) -> None:
        """A per-layer result given to an RNN as its initial state: the head is a bridge
        between two recurrent modules, and its result is right as it is."""
        given = [item for item in (state if isinstance(state, (tuple, list)) else (state,))
                 if isinstance(item, torch.Tensor)]
        self.pending = [(result, per_layer) for result, per_layer in self.pending
                        if not any(_same_elements(item, result) for item in given)]

    def add(self, module: nn.Module, name: Name) -> bool:
        """Watch ``module`` under ``name`` (a string, or a callable giving it when needed);
        False when it is neither a stock recurrent module nor a head to watch."""
        if self._removed:
            raise RuntimeError("rnnlint: this watch was removed")
        config = recurrent_config(module)
        step = cell_config(module) if config is None else None
        if config is not None:
            spec: Any = RecurrentSpec(module, config, name)
            spec.record_states = self.watches_heads
            spec.heads = self.linears  # shared: heads added later are seen too
            self.recurrent.append(spec)
        elif step is not None:
            spec = CellSpec(module, step, name)
            spec.record_states = self.watches_heads
            spec.heads = self.linears  # shared, as for the recurrent modules
            self.cells.append(spec)
        elif isinstance(module, nn.Linear) and self.watches_heads:
            spec = LinearSpec(module, name, self.recurrent, self.cells)
            self.linears.append(spec)
        else:
            return False
        attachment = _ATTACHED.get(module)
        if attachment is None:
            attachment = _ATTACHED[module] = _Attachment(module)
        attachment.entries.append((self, spec))
        attachment.update()
        self._covered.append((module, spec))
        return True

    def remove(self) -> None:
        """Take this watch's checks off; hooks go when no other watch covers the module."""
        self._removed = True
        for module, handles in list(self._roots.items()):
            for handle in handles:
                handle.remove()
            attachment = _ATTACHED.get(module)
            if attachment is not None:
                attachment.root_hooks = [hook for hook in attachment.root_hooks if hook not in handles]
                if not attachment.entries and not attachment.root_hooks:
                    attachment.remove()
                    del _ATTACHED[module]
        self._roots = weakref.WeakKeyDictionary()
        self.pending = []
        while self._covered:
            module, spec = self._covered.pop()
            attachment = _ATTACHED.get(module)
            if attachment is None:
                continue
            attachment.entries = [entry for entry in attachment.entries if entry[1] is not spec]
            if attachment.entries or attachment.root_hooks:
                attachment.update()
            else:
                attachment.remove()
                del _ATTACHED[module]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


def watch(model: nn.Module, *, batch: int | None = None, seq: int | None = None,
          heads: bool | None = None, name: str = "model") -> Watch:
    """Check every ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (and every recurrent cell) inside ``model``
    on each call.

    With ``heads=True``, also watch the ``nn.Linear`` heads: a head that receives the
    recurrent modules' own ``h_n``, ``c_n`` or ``output`` (or a view of them) is judged by
    identity. With ``batch`` (and ``seq``) declared (heads are then watched unless
    ``heads=False``), also catch swapped batch and time axes, and heads fed tensors computed
    from those results, by their shape::

        with rnnlint.runtime.watch(model, batch=4, seq=7):
            model(x)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"rnnlint: watch() takes an nn.Module, got {type(model).__name__}")
    handle = Watch(batch, seq, heads)
    modules = list(model.named_modules())
    # recurrent modules first, so that every head sees all of them
    for qualified, module in sorted(modules, key=lambda item: recurrent_config(item[1]) is None):
        handle.add(module, f"{name}.{qualified}" if qualified else name)
    if handle.linears:
        handle.add_root(model)
    return handle


def _same_elements(tensor: torch.Tensor, result: torch.Tensor) -> bool:
    """``tensor`` is ``result``, or a view of all of it in the same order (a squeeze)."""
    if tensor is result:
        return True
    axes = view_axes(tensor, result)
    return axes is not None and tensor.numel() == result.numel() and all(
        first == 0 for first, _, _ in axes) and _in_order(axes)


def _in_order(axes: list) -> bool:
    order = [kept for _, count, kept in axes if count > 1]
    return None not in order and order == sorted(order)


def _returned_per_layer(result: Any, pending: list, depth: int = 0):
    """The pending per-layer results that ``result`` returns as the model's output: the
    result itself, or the first item of a returned tuple or list. A later item may well be
    a state the caller hands on (``return outputs, hidden``): not judged."""
    if depth > 4:
        return
    if isinstance(result, torch.Tensor):
        for head_result, per_layer in pending:
            if _same_elements(result, head_result):
                yield per_layer
                return
    elif isinstance(result, (tuple, list)) and result:
        yield from _returned_per_layer(result[0], pending, depth + 1)


class NewModuleWatch(Watch):
    """Watches every recurrent module (and head) constructed while it is active."""

    def __init__(self, batch: int | None = None, seq: int | None = None,
                 heads: bool | None = None) -> None:
        super().__init__(batch, seq, heads)
        # the watched modules and the modules that hold them: a head's per-layer result is
        # judged when the outermost of these returns
        self._holders: weakref.WeakSet[nn.Module] = weakref.WeakSet()
        self._seen: weakref.WeakSet[nn.Module] = weakref.WeakSet()
        self._parents: weakref.WeakKeyDictionary[nn.Module, tuple[Any, str]] = (
            weakref.WeakKeyDictionary())
        registration = torch.nn.modules.module
        self._global_handles = [
            registration.register_module_parameter_registration_hook(self._on_parameter),
            registration.register_module_module_registration_hook(self._on_child),
        ]

    def _on_parameter(self, module: nn.Module, _name: str, _parameter: Any) -> None:
        # a module registers its first parameter once its configuration is set
        if module in self._seen or self._removed:
            return
        self._seen.add(module)
        if self.add(module, self._namer(module)) and self.watches_heads:
            self._holders.add(module)

    def _on_child(self, parent: nn.Module, name: str, child: nn.Module) -> None:
        if child is None:
            return
        self._parents[child] = (weakref.ref(parent), name)
        if child in self._holders and not self._removed:
            self._holders.add(parent)
            self.add_root(parent)

    def _namer(self, module: nn.Module) -> Callable[[], str]:
        reference = weakref.ref(module)
        return lambda: self.qualified_name(reference())

    def qualified_name(self, module: nn.Module | None) -> str:
        """``Classifier.encoder.lstm``: attribute names up to the outermost known parent."""
        if module is None:
            return "<collected module>"
        path: list[str] = []
        while module in self._parents and len(path) < 64:
            parent_reference, attribute = self._parents[module]
            parent = parent_reference()
            if parent is None:
                break
            path.append(attribute)
            module = parent
        return ".".join([type(module).__name__, *reversed(path)])

    def remove(self) -> None:
        for handle in self._global_handles:
            handle.remove()
        self._global_handles = []
        super().remove()


def watch_new_modules(*, batch: int | None = None, seq: int | None = None,
                      heads: bool | None = None) -> NewModuleWatch:
    """Watch every recurrent module (and, with ``heads=True`` or sizes declared, every
    ``nn.Linear``) constructed from now until the watch is removed.

    What ``pytest --rnnlint`` does around each test::

        with rnnlint.runtime.watch_new_modules(heads=True):
            model = build()
            model(x)
    """
    return NewModuleWatch(batch, seq, heads)
