"""Calls: layers and in-file modules (inlined), ``torch`` functions and tensor methods by
their behaviour in the registry (``rnnlint._pytorch``), packing and padding."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from keyword import iskeyword

from .. import _pytorch, _shapes
from . import _tensor_ops as ops
from ._changes import READING_METHODS, SAFE_BUILTINS, changes_argument, changes_parameter, parameter_names
from ._conditions import _as_condition, _isinstance
from ._core import (
    MAX_INLINE_DEPTH,
    TORCH_NN,
    ClassInfo,
    InterpreterBase,
    _first_item,
    _is_self,
    _loop_item,
    method_order,
)
from ._facts import CellCall, HeadCall, LayerCall, Pack, Pad, PadSequence, Reduce, Reshape, RnnCall, TensorOp
from ._names import argument, argument_value, dotted_name
from ._program import Function, Namespace, Parser, expanded_keywords, record_class_fields, unknown_rest
from ._symbolic import (
    UNKNOWN,
    Alt,
    Bool,
    Const,
    Poly,
    Unknown,
    Value,
    as_int,
    cases,
    map_cases,
    number,
    truth,
)
from ._values import (
    CELL_KINDS,
    RNN_KINDS,
    DictValue,
    FieldSet,
    Layer,
    ListValue,
    Loader,
    Packed,
    Ref,
    ShapeValue,
    Splits,
    Tensor,
    TupleValue,
    alike,
    axis_symbol,
    python_value,
    rnn_configs,
)

PACK = "torch.nn.utils.rnn.pack_padded_sequence"
PAD = "torch.nn.utils.rnn.pad_packed_sequence"
PAD_SEQUENCE = "torch.nn.utils.rnn.pad_sequence"


def _only_options(value: Value) -> bool:
    """Whether every case of ``value`` is parsed options (a ``Namespace``)."""
    return all(isinstance(case, Namespace) for _, case in cases(value))


class Calls(InterpreterBase):
    """Evaluates calls."""

    def eval_Call(self, node: ast.Call, state: dict) -> Value:
        result = self._call_expression(node, state)
        if state and (node.args or node.keywords or isinstance(node.func, ast.Attribute)):
            self.forget_changed(node, state)
        return result

    def forget_changed(self, node: ast.Call, state: dict) -> None:
        """After ``stack(cfg, 2)`` or ``cfg.deepen()``: a config object (a plain class's instance,
        a dict) that the call may have changed is no longer known, under each of its names."""
        given = [arg.value if isinstance(arg, ast.Starred) else arg for arg in node.args]
        given += [keyword.value for keyword in node.keywords]
        changed = []
        for arg in given:
            name = dotted_name(arg)
            if name is not None and name in state and self.is_config_object(state[name]) \
                    and not self.callee_keeps(node, arg, state, unseen_keeps=_only_options(state[name])):
                changed.append(name)
        if isinstance(node.func, ast.Attribute):
            name = dotted_name(node.func.value)
            if name is not None and name in state and self.is_config_object(state[name]) \
                    and not self.method_keeps(state[name], node.func.attr):
                changed.append(name)
        for name in changed:
            old = state[name]
            for known, held in list(state.items()):
                if held is old:
                    state[known] = UNKNOWN

    def is_config_object(self, value: Value) -> bool:
        """A dict, parsed options, or an instance of a class of the project that is no module (no
        layer in it, no ``forward``): what a config is made of."""
        for _, case in cases(value):
            if isinstance(case, (DictValue, Namespace)):
                return True
            if isinstance(case, Layer) and case.module_class is not None \
                    and not any(isinstance(item, Layer) for _, item in case.module_state):
                info = self.registry.get(case.module_class) or self.classes.get(case.module_class)
                if info is None or self.find_method("forward", info)[0] is None:
                    return True
        return False

    def method_keeps(self, value: Value, method: str) -> bool:
        """Whether calling ``method`` of the config object ``value`` leaves it as it was."""
        for _, case in cases(value):
            if isinstance(case, DictValue):
                if method not in READING_METHODS:
                    return False
            elif isinstance(case, Layer) and case.module_class is not None:
                info = self.registry.get(case.module_class) or self.classes.get(case.module_class)
                definition = self.find_method(method, info)[0] if info is not None else None
                params = parameter_names(definition) if definition is not None else []
                if definition is None or not params or changes_parameter(definition, params[0]):
                    return False
            else:
                return False
        return True

    def callee_keeps(self, node: ast.Call, arg: ast.expr, state: dict, unseen_keeps: bool = False) -> bool:
        """Whether the function ``node`` calls leaves what its argument ``arg`` holds as it was:
        a builtin that only reads, a ``torch`` function, or a function, class or module of the
        project whose definition changes no such parameter. ``unseen_keeps``: a callee whose
        definition is not in view keeps it too (parsed options given to a logger: only the
        project's own code is taken to set options again)."""
        function = node.func
        if isinstance(function, ast.Name) and function.id in SAFE_BUILTINS and function.id not in state \
                and function.id not in self.constants:
            return True
        if isinstance(function, ast.Attribute) and _is_self(function.value):
            method, _ = self.find_method(function.attr, self.instance or self.info)
            if method is None:
                return unseen_keeps
            return not changes_argument(method, node, arg, bound_self=True)
        if dotted_name(function) is None:
            return unseen_keeps
        for _, callee in cases(self.eval(function, state)):
            definition, bound_self = None, False
            if isinstance(callee, Function):
                definition = callee.node
            elif isinstance(callee, Ref):
                name = callee.qualified
                if name.startswith("torch.") or name.removeprefix("builtins.") in SAFE_BUILTINS:
                    continue
                info = self.classes.get(name.split(".", 1)[1] if name.startswith("<class>.") else name)
                if info is None:
                    if unseen_keeps:
                        continue
                    return False
                if record_class_fields(info.node, self.imports) is not None:
                    continue  # a dataclass keeps what it is given
                definition, bound_self = self.find_method("__init__", info)[0], True
            elif isinstance(callee, Layer) and callee.module_class is not None:
                info = self.registry.get(callee.module_class) or self.classes.get(callee.module_class)
                definition, bound_self = (self.find_method("forward", info)[0] if info else None), True
            if definition is None:
                if unseen_keeps:
                    continue
                return False
            if changes_argument(definition, node, arg, bound_self):
                return False
        return True

    def _call_expression(self, node: ast.Call, state: dict) -> Value:
        function = node.func
        args, kwargs, opaque, starred = self.arguments(node, state)
        # self.method(...) -> inline the method
        if isinstance(function, ast.Attribute) and _is_self(function.value):
            name = function.attr
            if f"self.{name}" in state or self.find_method(name, self.instance or self.info)[0] is None:
                if name in ("parameters", "buffers") and f"self.{name}" not in state and not args:
                    return ListValue(Tensor())  # `next(self.parameters())`: a tensor of the module
                callee = self.eval(function, state)
                result = self.guarded_map(
                    lambda case: self.call_value(case, node, args, kwargs, opaque, state, starred), callee)
                self.learn_input_features(callee, node, state)
                return result
            return self.run_method(name, state, args, kwargs)
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Call) \
                and isinstance(function.value.func, ast.Name) and function.value.func.id == "super":
            # `super().__init__(...)`, `super(Model, self).encode(x)`: the base's method, on self
            return self.call_super(node, state, args, kwargs, opaque)
        if isinstance(function, ast.Attribute):
            base = self.eval(function.value, state)
            if isinstance(base, Ref):
                return self.call_ref(Ref(f"{base.qualified}.{function.attr}"), node, args, kwargs, opaque, state,
                                     starred)
            method = function.attr
            if method == "parse_args":
                return self.parsed_arguments(base)
            if method == "parse_known_args":  # `(namespace, the arguments no option took)`
                parsed = self.parsed_arguments(base)
                return UNKNOWN if parsed == UNKNOWN else TupleValue((parsed, UNKNOWN))
            if method not in ("count", "index") and _holds_recurrent_tuple(base):
                # a tuple has no tensor methods: `hidden.detach()` on an LSTM's (h_n, c_n) raises
                self.events.append(TensorOp(node, self.guard, base, method))
            if id(node) in self.unspliced:
                # `x.view(*shape)` of a shape not known: which arguments the method gets is not known
                return self.guarded_map(lambda case: Tensor() if isinstance(case, Tensor) else UNKNOWN, base)
            if method in _pytorch.IN_PLACE_SHAPE_METHODS:
                return self.reshape_in_place(base, method, args, kwargs, node, state)
            return self.guarded_map(lambda case: self.call_method(case, method, args, kwargs, node, state), base)
        callee = self.eval(function, state)
        result = self.guarded_map(
            lambda case: self.call_value(case, node, args, kwargs, opaque, state, starred), callee)
        self.learn_input_features(callee, node, state)
        return result

    def reshape_in_place(self, base: Value, method: str, args: list, kwargs: dict, node: ast.Call,
                         state: dict) -> Value:
        """``x.transpose_(0, 1)`` is ``x = x.transpose(0, 1)`` for ``x`` and every name bound to
        the same tensor; a shape set from elsewhere (``resize_``) leaves them unknown."""
        counterpart = _pytorch.IN_PLACE_SHAPE_METHODS[method]

        def apply(case: Value) -> Value:
            if not isinstance(case, Tensor):
                return UNKNOWN
            if counterpart is None:
                return Tensor(rnn=case.rnn)
            return self.tensor_method(case, counterpart, args, kwargs, node)

        result = self.guarded_map(apply, base)
        for name, value in list(state.items()):
            if value is base:
                state[name] = result
        return result

    def learn_input_features(self, callee: Value, node: ast.Call, state: dict) -> None:
        """After `out, _ = self.rnn(x)` succeeds, `x` has `input_size` features: a later
        `torch.cat([out, x], dim=-1)` knows its width."""
        if not isinstance(callee, Layer) or callee.kind not in RNN_KINDS:
            return
        argument = _argument_node(node, 0, "input")
        name = dotted_name(argument) if argument is not None else None
        features = callee.param("input_size")
        value = state.get(name) if name is not None else None
        if not isinstance(value, Tensor) or not isinstance(value.last_axis, Unknown) or not isinstance(features, Poly):
            return
        if value.shape:
            state[name] = replace(value, shape=value.shape[:-1] + (features,))
        elif value.shape is None:
            state[name] = replace(value, feature=features)

    def arguments(self, node: ast.Call, state: dict) -> tuple[list, dict, bool, list]:
        """The values of a call's arguments: positional, by keyword, whether ``*args`` or
        ``**kwargs`` may pass more, and the values those unpack (``nn.Sequential(*blocks)``)."""
        args: list = []
        kwargs: dict = {}
        opaque = False
        starred: list = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                value = self.eval(arg.value, state)
                items = _spliced(value)
                if items is not None:  # `new_zeros(*common_shape, hidden)` of a tuple of known length
                    args.extend(items)
                    continue
                opaque = True
                starred.append(value)
                self.unspliced.add(id(node))
                continue
            args.append(self.eval(arg, state))
        for keyword in node.keywords:
            value = self.eval(keyword.value, state)
            expanded = expanded_keywords(value) if keyword.arg is None else None
            if expanded is not None:  # `**{"batch_first": True}`, `**kwargs` of an inlined function
                kwargs.update(expanded)
            elif keyword.arg is None:  # **kwargs
                opaque = True
                starred.append(UNKNOWN)
            else:
                kwargs[keyword.arg] = value
        return args, kwargs, opaque, starred

    def call_super(self, node: ast.Call, state: dict, args: list, kwargs: dict, opaque: bool = False) -> Value:
        attribute = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if self.info is None or attribute is None:
            return UNKNOWN
        # the classes after the running method's class in the order of the instance's class
        order = method_order(self.instance or self.info)
        position = next((index for index, known in enumerate(order) if known is self.info), None)
        following = order[position + 1:] if position is not None else method_order(self.info)[1:]
        for owner in following:
            method = owner.methods.get(attribute)
            if method is not None:
                if opaque:  # `super().__init__(*args, **kwargs)`: what they pass is unknown
                    kwargs = unknown_rest(method, len(args), kwargs)
                elif attribute == "__init__":
                    self.note_base_site(owner, node, args, kwargs)
                return self.call_function(method, state, args, kwargs, bound_self=True, owner=owner)
        return UNKNOWN

    def note_base_site(self, owner: ClassInfo, node: ast.Call, args: list, kwargs: dict) -> None:
        """``super().__init__(...)`` of a subclass building a base class of another project file:
        a construction of the base as every instance of the subclass builds it, unless a class
        between the instance's and the base changes a name the base's methods read (a class
        attribute, a method): the base's own run would read the base's."""
        if owner.context is None or self.instance is None:
            return  # a base of this file runs inlined in its subclass's own run
        name = next((local for local, info in self.home[2].items() if info is owner), None)
        if name is None:
            return
        below, seen, pending = set(), set(), [self.instance]
        while pending:
            current = pending.pop(0)
            if current is None or current is owner or id(current) in seen:
                continue
            seen.add(id(current))
            below |= set(current.methods) | set(current.class_attributes)
            pending.extend(current.bases)
        above, pending = set(), [owner]
        while pending:
            current = pending.pop(0)
            if current is None or id(current) in seen:
                continue
            seen.add(id(current))
            above |= set(current.methods) | set(current.class_attributes)
            pending.extend(current.bases)
        if (below & above) - {"__init__"}:
            return
        self.note_site(name, node, args, kwargs, False, inherited=True)

    def call_value(self, callee: Value, node: ast.Call, args: list, kwargs: dict, opaque: bool, state: dict,
                   starred: list) -> Value:
        inlined = self.call_program_value(callee, node, args, kwargs, opaque, state, starred)
        if inlined is not None:
            return inlined
        if isinstance(callee, Ref):
            return self.call_ref(callee, node, args, kwargs, opaque, state, starred)
        if isinstance(callee, Layer):
            return self.call_layer(callee, node, args, kwargs)
        return UNKNOWN

    def call_layer(self, layer: Layer, node: ast.Call, args: list, kwargs: dict) -> Value:
        # an in-file class named like a torch module (`class LSTMCell(nn.Module)`) is not that module
        torch_kind = layer.kind if layer.module_class is None else ""
        if torch_kind in RNN_KINDS:
            inputs = args[0] if args else kwargs.get("input", UNKNOWN)
            hx = args[1] if len(args) > 1 else kwargs.get("hx")
            hx_node = _argument_node(node, 1, "hx")
            rnn_call = RnnCall(node, self.guard, layer, inputs, hx, hx_node, _argument_node(node, 0, "input"))
            self.events.append(rnn_call)
            self._alias_input_dims(layer, inputs, rnn_call.argument)
            return ops.call_rnn(layer, inputs, self.guard, rnn_call.argument)
        if torch_kind in CELL_KINDS:
            inputs = args[0] if args else kwargs.get("input", UNKNOWN)
            hx = args[1] if len(args) > 1 else kwargs.get("hx")
            result = ops.call_cell(layer, inputs, hx, node, self.guard)
            self.events.append(CellCall(node, self.guard, layer, inputs, hx, _argument_node(node, 1, "hx"),
                                        _argument_node(node, 0, "input"), result))
            self.events.append(LayerCall(node, self.guard, layer, tuple(args), result,
                                         later_pass=self._later_passes > 0))
            return result
        event = LayerCall(node, self.guard, layer, tuple(args), later_pass=self._later_passes > 0)
        self.events.append(event)
        if layer.module_class is not None:
            return self.call_submodule(layer, args, kwargs)
        if layer.kind == "Sequential" and args and _holds_in_file_modules(layer):
            return self.call_sequential(layer, node, args[0])
        if not args:
            return UNKNOWN
        result = self.guarded_map(lambda first: self.apply_layer(layer, [first, *args[1:]]), args[0])
        self.record_result(event, result)
        return result

    def apply_layer(self, layer: Layer, args: list) -> Value:
        """What a built-in layer returns on ``args`` (a Sequential: its children one after the
        other), and whose per-layer result that is when it is a head on an RNN's state."""
        if layer.kind == "Sequential":
            first = args[0] if args else UNKNOWN
            if not isinstance(first, Tensor):
                return UNKNOWN
            result: Value = first
            for item in layer.items or ():
                if not isinstance(item, Layer) or item.kind in RNN_KINDS:
                    return UNKNOWN
                result = self.apply_layer(item, [result])
            if layer.items is None:
                return UNKNOWN
        else:
            result = ops.call_layer(layer, args)
        if args and isinstance(args[0], Tensor) and isinstance(result, Tensor):
            self.note_head_call(layer, args[0], result)
        return result

    def note_head_call(self, layer: Layer, first: Tensor, result: Tensor) -> None:
        """A head called on an RNN's state returns one row per layer and direction: the result
        names that call (a Sequential names itself once its children kept the rows), and a Linear
        applied next keeps the name, since it acts on the last axis only."""
        kept_rows = layer.kind == "Linear" or (layer.kind == "Sequential" and self.head_call_of(result) is not None)
        before = self.head_call_of(first)
        if (first.origin in ("h_n", "c_n") or ops.per_layer_size(first) is not None) and kept_rows:
            self.head_calls[id(result)] = (result, HeadCall(layer, first))
        elif before is not None and layer.kind == "Linear":
            self.head_calls[id(result)] = (result, before)

    def call_sequential(self, layer: Layer, node: ast.Call, first: Value) -> Value:
        """A Sequential holding in-file modules: each child runs on what the previous returned."""
        if layer.items is not None:
            current = first
            for item in layer.items:
                current = self.guarded_map(lambda case, item=item: self.call_layer(item, node, [case], {})
                                           if isinstance(item, Layer) else UNKNOWN, current)
            return current
        # n alike children: the first runs on `first`; the result is known when one child keeps the shape
        assert isinstance(layer.element, Layer)  # `_holds_in_file_modules` said so
        once = self.call_layer(layer.element, node, [first], {})
        return map_cases(lambda before, after: _same_layout(before, after), first, once)

    def call_submodule(self, layer: Layer, args: list, kwargs: dict) -> Value:
        """Calling an in-file module: its forward runs on the caller's tensors."""
        info = self.registry.get(layer.module_class) or self.classes.get(layer.module_class)
        if info is None or (not layer.module_state and "__init__" in info.methods):
            return UNKNOWN
        state = dict(layer.module_state)
        return self.run_method("forward", state, args, kwargs, info=info)

    def _alias_input_dims(self, layer: Layer, inputs: Value, argument: str | None) -> None:
        for guard, config in rnn_configs(layer, self.guard):
            for _, case in cases(inputs, guard):
                if isinstance(case, Tensor) and config.batch_first is not None and known_rank_is_3(case):
                    key = ops.input_key(layer, case, argument)
                    for axis, label in ((_shapes.batch_axis(config), "batch"), (_shapes.time_axis(config), "seq")):
                        if axis is None:  # (batch_first is known: never)
                            continue
                        size = case.shape[axis] if case.shape is not None else axis_symbol(key, axis)
                        if isinstance(size, Poly) and size.symbol is not None:
                            self.aliases.setdefault(size.symbol, _free_label(self.aliases, label))

    def call_ref(self, ref: Ref, node: ast.Call, args: list, kwargs: dict, opaque: bool, state: dict,
                 starred: list) -> Value:
        name = ref.qualified
        if name == "builtins.eval" and len(args) == 1 and not kwargs and not opaque:
            # `eval(self.encoder_type)`: a string that is a name reads that name where the call is
            return self.guarded_map(lambda case: self.named_value(case, state), args[0])
        special = self.call_program_ref(ref, args, kwargs, opaque, node)
        if special is not None:
            return special
        if name.startswith("<class>."):
            self.note_site(name.split(".", 1)[1], node, args, kwargs, opaque)
            return self.construct_in_file(name.split(".", 1)[1], node, args, kwargs)
        if name in self.classes:  # `models.Encoder(...)`: a class of a project module
            self.note_site(name, node, args, kwargs, opaque)
            return self.construct_in_file(name, node, args, kwargs)
        if name.startswith(TORCH_NN) and name.count(".") == 2:
            return self.construct(name[len(TORCH_NN):], node, args, kwargs, opaque, starred)
        if name.startswith("builtins."):
            return self.call_builtin(name[len("builtins."):], args, kwargs, node)
        if name == "argparse.ArgumentParser":
            # parsed where it is built or elsewhere, it gives the options this file declares
            return Parser(getattr(self.constants, "parsed", UNKNOWN))
        short = name.rsplit(".", 1)[-1]
        if name in (PACK, "torch.nn.utils.rnn.pack_sequence"):
            return self.pack(node, args, kwargs, opaque, layout_free=name != PACK)
        if name == PAD:
            return self.pad(node, args, kwargs, opaque)
        if name == PAD_SEQUENCE:
            return self.pad_sequence(node, args, kwargs, opaque)
        if name.startswith("torch.") and not name.startswith("torch.nn.utils"):
            return self.call_torch(short, name, node, args, kwargs)
        return UNKNOWN

    def named_value(self, text: Value, state: dict) -> Value:
        """What ``eval(text)`` gives for a string that is one identifier (and no keyword): the
        value of that name in the caller's scope; unknown for any other expression."""
        if not (isinstance(text, Const) and isinstance(text.value, str) and text.value.isidentifier()
                and not iskeyword(text.value)):
            return UNKNOWN
        return self.eval(ast.Name(id=text.value, ctx=ast.Load()), state)

    def construct_in_file(self, class_name: str, node: ast.Call, args: list, kwargs: dict,
                          info: ClassInfo | None = None) -> Value:
        """An instance of a class from this file (or ``info``'s): its ``__init__`` runs with the
        arguments given."""
        info = info or self.classes.get(class_name)
        if info is None:
            return UNKNOWN
        module_state: dict = {}
        recorded = len(self.events), len(self.layers)
        record = self.record_fields(info, args, kwargs)  # a dataclass / NamedTuple / attrs config
        if record is not None:
            module_state = record
        elif self.depth < MAX_INLINE_DEPTH - 1:
            self.run_method("__init__", module_state, args, kwargs, info=info)
        # the class's own analysis reports on its constructor; this instance only lends its state
        del self.events[recorded[0]:], self.layers[recorded[1]:]
        state = tuple(module_state.items())
        instance = Layer(kind=info.name, node=node, module_class=info.key or class_name,
                         module_state=state, built=(tuple(args), tuple(kwargs.items()), state))
        injected = any(isinstance(case, Layer) for value in [*args, *kwargs.values()] for _, case in cases(value))
        if self.info is None and injected and self.depth < MAX_INLINE_DEPTH - 1:
            self.run_instance(instance, info)
        return instance

    def run_instance(self, instance: Layer, info: ClassInfo) -> None:
        """``Seq2Seq(encoder, decoder)`` outside any class: the modules it is given decide what its
        forward sees, so forward runs once on this instance (inputs as in the class's own analysis)."""
        forward, owner = self.find_method("forward", info)
        if forward is None:
            return
        previous, self.instance = self.instance, info
        try:
            self.call_function(forward, dict(instance.module_state), self.forward_arguments(forward), {},
                               bound_self=True, owner=owner)
        finally:
            self.instance = previous

    def construct(self, kind: str, node: ast.Call, args: list, kwargs: dict, opaque: bool, starred: list) -> Value:
        if kind in _pytorch.TENSOR_WRAPPERS:
            data = args[0] if args else kwargs.get("data", UNKNOWN)
            return data if isinstance(data, Tensor) else Tensor()
        spec = _pytorch.LAYERS.get(kind)
        if spec is not None and spec.family == _pytorch.RECURRENT:
            layer = self._bind(kind, spec.parameters or (), node, args, kwargs, opaque,
                               accepted=spec.accepted_keywords)
        elif spec is not None and spec.parameters is not None:
            layer = self._bind(kind, spec.parameters, node, args, kwargs, opaque)
        elif spec is not None and spec.family == _pytorch.CONTAINER:
            items: tuple | None = None
            if kind == "Sequential" and not opaque and not kwargs:
                items = tuple(args) if all(isinstance(a, Layer) for a in args) else None
            elif kind == "Sequential" and not args and not kwargs and len(starred) == 1 \
                    and isinstance(starred[0], ListValue) and isinstance(starred[0].item, Layer):
                # `nn.Sequential(*[Block(d) for _ in range(n)])`: n alike children
                layer = Layer(kind=kind, node=node, element=starred[0].item)
                self.layers.append(layer)
                return layer
            elif kind == "ModuleList" and not args:
                items = ()
            elif kind == "ModuleList" and len(args) == 1 and isinstance(args[0], TupleValue):
                items = args[0].items
            element = args[0].item if kind == "ModuleList" and len(args) == 1 and isinstance(args[0], ListValue) \
                else UNKNOWN
            layer = Layer(kind=kind, node=node, items=items, element=element)
        else:
            layer = Layer(kind=kind, node=node)
        self.layers.append(layer)
        return layer

    def _bind(self, kind: str, parameters: tuple, node: ast.Call, args: list, kwargs: dict, opaque: bool,
              accepted: tuple | None = None) -> Layer:
        names = [name for name, _ in parameters]
        bound: dict = {}
        for name, value in zip(names, args, strict=False):
            bound[name] = value
        unknown_keywords = []
        for name, value in kwargs.items():
            if name in names:
                bound[name] = value
            elif accepted is not None and name not in accepted:
                unknown_keywords.append(name)
        params = []
        for name, default in parameters:
            if name in bound:
                params.append((name, bound[name]))
            elif opaque or unknown_keywords:
                # *args / **kwargs may carry it; a misspelt keyword was meant for one of them
                params.append((name, UNKNOWN))
            else:
                params.append((name, python_value(default) if default is not None else Const(None)))
        return Layer(kind=kind, params=tuple(params), node=node, unknown_keywords=tuple(unknown_keywords),
                     opaque_arguments=opaque)

    def call_builtin(self, name: str, args: list, _kwargs: dict, _node: ast.Call) -> Value:
        if name == "next" and args:
            return _loop_item(args[0])
        if name == "iter" and args:
            return args[0] if isinstance(args[0], (ListValue, Loader)) else UNKNOWN
        if name == "getattr" and len(args) == 2 and isinstance(args[0], FieldSet) and isinstance(args[1], Const) \
                and isinstance(args[1].value, str):
            return args[0].attribute(args[1].value)  # `getattr(batch, "text")` of a torchtext iterator
        if name == "int" and args:
            return args[0] if isinstance(args[0], Poly) else UNKNOWN
        if name == "isinstance" and len(args) == 2:
            return map_cases(_isinstance, args[0], args[1])
        if name == "len" and args:
            value = args[0]
            if isinstance(value, TupleValue):
                return number(len(value.items))
            if isinstance(value, Tensor) and value.shape:
                return value.shape[0]
            if isinstance(value, Tensor) and value.shape is None:
                # `len(x)` is the size of the first axis, whatever the rank
                return value.lead if not isinstance(value.lead, Unknown) else \
                    axis_symbol(value.key, 0) if value.key else UNKNOWN
            return UNKNOWN
        if name == "bool" and args:
            return map_cases(_as_condition, args[0])
        # the first iteration sees the first children of a ModuleList built in a loop; an index
        # stays unknown (a loop over the batch is not a constant index)
        if name == "enumerate" and args:
            return ListValue(TupleValue((UNKNOWN, _loop_item(args[0]))),
                             first=TupleValue((UNKNOWN, _first_item(args[0]))))
        if name == "zip" and args:
            return ListValue(TupleValue(tuple(_loop_item(arg) for arg in args)),
                             first=TupleValue(tuple(_first_item(arg) for arg in args)))
        if name in ("reversed", "list", "tuple") and args and isinstance(args[0], (Layer, ListValue)):
            return ListValue(_loop_item(args[0]))
        return UNKNOWN

    def pack(self, node: ast.Call, args: list, kwargs: dict, opaque: bool = False, layout_free: bool = False) -> Value:
        inputs = args[0] if args else kwargs.get("input", UNKNOWN)
        batch_first = args[2] if len(args) > 2 else kwargs.get("batch_first", Bool(False))
        explicit = len(args) > 2 or "batch_first" in kwargs
        if layout_free or (opaque and not explicit):
            # pack_sequence takes a list of (seq, *) tensors: no layout; **kwargs may carry batch_first
            batch_first = UNKNOWN
        lengths = UNKNOWN if layout_free else (args[1] if len(args) > 1 else kwargs.get("lengths", UNKNOWN))
        self.events.append(Pack(node, self.guard, inputs, batch_first, explicit, lengths))
        if layout_free:
            inputs = map_cases(_sequence_of_steps, inputs)
        return map_cases(lambda case, flag: _packed_from(case, flag, node), inputs, batch_first)

    def pad(self, node: ast.Call, args: list, kwargs: dict, opaque: bool = False) -> Value:
        packed = args[0] if args else kwargs.get("sequence", UNKNOWN)
        batch_first = args[1] if len(args) > 1 else kwargs.get("batch_first", Bool(False))
        if opaque and not (len(args) > 1 or "batch_first" in kwargs):
            batch_first = UNKNOWN  # *args / **kwargs may carry batch_first
        self.events.append(Pad(node, self.guard, packed, batch_first, len(args) > 1 or "batch_first" in kwargs))
        return map_cases(lambda case, flag: _padded_from(case, flag), packed, batch_first)

    def pad_sequence(self, node: ast.Call, args: list, kwargs: dict, opaque: bool) -> Value:
        """``pad_sequence(sequences, batch_first=False)``: a tensor whose layout the call states;
        its shape is not followed (the sequences' rank is seldom known)."""
        explicit = len(args) > 1 or "batch_first" in kwargs
        batch_first = args[1] if len(args) > 1 else kwargs.get("batch_first", Bool(False))
        if opaque and not explicit:
            batch_first = UNKNOWN  # *args / **kwargs may carry batch_first
        # its axes are named after the call, so that what keeps them (an embedding of the padded
        # tokens) still tells which of them is the batch
        # (and after the layout it is given: a collate function run on its own, with its flag
        # unknown, and where a loader calls it with the flag set, pads two tensors)
        layout = "" if isinstance(batch_first, Bool) and batch_first.truth is False else \
            f"[batch_first={batch_first.describe()}]"
        result = Tensor(key=f"pad_sequence@{node.lineno}{layout}")
        self.events.append(PadSequence(node, self.guard, result, batch_first, explicit))
        return result

    def call_torch(self, short: str, name: str, node: ast.Call, args: list, kwargs: dict) -> Value:
        """``torch.<short>(...)``, by the function's behaviour in the registry."""
        function = _pytorch.TORCH_FUNCTIONS.get(short)
        behaviour = function.behaviour if function is not None else None
        if behaviour in (_pytorch.CONCATENATE, _pytorch.STACK):
            kwargs = _pytorch.dim_keyword(kwargs, short)
            listed = args[0] if args else kwargs.get("tensors", UNKNOWN)
            items = listed.items if isinstance(listed, TupleValue) else (listed.item,) \
                if isinstance(listed, ListValue) else ()
            joined = [item for item in items if _holds_recurrent_tuple(item)]
            if joined:
                # `torch.cat([h_n, state_pair])`: a tuple is no tensor, the call raises; in each
                # case, the first such item is what the call is applied to
                operand = map_cases(lambda *cases_: next((case for case in cases_ if isinstance(case, TupleValue)),
                                                         cases_[0]), *joined)
                self.events.append(TensorOp(node, self.guard, operand, name))
                return map_cases(lambda *cases_: UNKNOWN if any(isinstance(case, TupleValue) for case in cases_)
                                 else Tensor(), *joined)
        if behaviour == _pytorch.CONCATENATE:
            tensors = args[0] if args else kwargs.get("tensors", UNKNOWN)
            axis = args[1] if len(args) > 1 else kwargs.get("dim", number(0))
            if isinstance(tensors, TupleValue):
                return map_cases(lambda *items: ops.concatenate(list(items), axis), *tensors.items)
            return Tensor()
        if behaviour == _pytorch.MATMUL and len(args) >= 2:
            return map_cases(lambda a, b: ops.matmul(a, b) if isinstance(a, Tensor) and isinstance(b, Tensor)
                             else Tensor(), args[0], args[1])
        if behaviour == _pytorch.STACK:
            tensors = args[0] if args else UNKNOWN
            axis = args[1] if len(args) > 1 else kwargs.get("dim", number(0))
            if isinstance(tensors, TupleValue):
                return map_cases(lambda *items: ops.stack(list(items), axis, number(len(items))), *tensors.items)
            if isinstance(tensors, ListValue):
                return map_cases(lambda item: ops.stack([item], axis, UNKNOWN), tensors.item)
            return Tensor()
        if behaviour == _pytorch.EINSUM and args and isinstance(args[0], Const) and isinstance(args[0].value, str):
            operands = list(args[1].items) if len(args) == 2 and isinstance(args[1], TupleValue) else args[1:]
            return map_cases(lambda *items: ops.einsum(args[0].value, list(items)), *operands) if operands \
                else Tensor()
        if behaviour == _pytorch.ARANGE:
            # `arange(n)` alone (keywords such as `device` change no entry): the positions of an axis
            size = args[0] if len(args) == 1 and "end" not in kwargs and "start" not in kwargs else None
            return Tensor(shape=(size,), positions=size) if isinstance(size, Poly) else Tensor()
        if behaviour == _pytorch.CREATE_LIKE:
            return map_cases(lambda case: case if isinstance(case, Tensor) else Tensor(), args[0]) if args \
                else Tensor()
        if behaviour in (_pytorch.CREATE, _pytorch.CREATE_FULL):
            return self.created_tensor(args[:1] if behaviour == _pytorch.CREATE_FULL else args, node)
        if behaviour == _pytorch.WRAP and args:
            return args[0]  # the legacy autograd wrapper keeps the tensor it wraps
        if args and function is not None and function.one_tensor and _holds_recurrent_tuple(args[0]):
            self.events.append(TensorOp(node, self.guard, args[0], name))
        if behaviour == _pytorch.ELEMENTWISE and args:
            # each case of the operand keeps its shape (a case not known to be a tensor: one of
            # unknown shape); `torch.flip(arange(n), (0,))` holds other entries
            return map_cases(lambda case: (replace(case, positions=None) if case.positions is not None else case)
                             if isinstance(case, Tensor) else Tensor(), args[0])
        if behaviour == _pytorch.AS_METHOD and args:
            return self.guarded_map(lambda case: self.call_method(case, short, args[1:], kwargs, node, {}), args[0])
        return Tensor()

    def created_tensor(self, args: list, node: ast.Call) -> Value:
        dims = args
        if len(args) == 1 and isinstance(args[0], (TupleValue, ShapeValue)):
            dims = list(args[0].items if isinstance(args[0], TupleValue) else args[0].dims)
        if not dims or any(isinstance(d, (TupleValue, ShapeValue, ListValue)) for d in dims):
            return Tensor(source=node)
        return Tensor(shape=tuple(map_cases(_as_dimension, d) for d in dims), source=node)

    def call_method(self, base: Value, method: str, args: list, kwargs: dict, node: ast.Call, state: dict) -> Value:
        if isinstance(base, Tensor):
            return self.tensor_method(base, method, args, kwargs, node)
        if isinstance(base, Unknown) and method in _pytorch.NEW_TENSOR_METHODS and method != "new_tensor":
            # `next(self.parameters()).new_zeros(...)`: only a tensor has these methods
            return self.created_tensor(args[:1] if method == "new_full" else args, node)
        if isinstance(base, ListValue) and method == "append" and args:
            target = node.func.value if isinstance(node.func, ast.Attribute) else None
            name = dotted_name(target) if target is not None else None
            if name is not None:
                key = name if name in state else (name if name.startswith("self.") else None)
                if key is not None and key in state:
                    state[key] = ListValue(
                        args[0] if isinstance(base.item, Unknown) or alike(base.item, args[0]) else UNKNOWN)
            return Const(None)
        if isinstance(base, Layer) and method in ("forward", "__call__"):
            return self.call_layer(base, node, args, kwargs)
        if isinstance(base, FieldSet) and not base.batch and method == "split":
            return Splits(base)  # `train.split(0.8)` of a torchtext dataset: parts with its fields
        if isinstance(base, DictValue):
            if method == "get" and args and isinstance(args[0], Const) and not kwargs:
                found = [value for key, value in base.items if key == args[0].value]
                return found[0] if found else (args[1] if len(args) > 1 else Const(None))
            name = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
            if name is not None and name in state and method not in ("keys", "values", "items", "copy"):
                state[name] = UNKNOWN  # `update`, `pop`, `setdefault`: the entries change
            return UNKNOWN
        if isinstance(base, Layer) and method in ("append", "extend") and base.kind == "ModuleList":
            self._fill_module_list(base, method, args, node, state)
            return Const(None)
        if isinstance(base, Layer) and method in ("parameters", "named_parameters", "modules", "children"):
            return UNKNOWN
        if isinstance(base, Layer) and method in _pytorch.MODULE_METHODS_RETURNING_SELF \
                and self.module_method_returns_self(base, method):
            return base
        if isinstance(base, Layer) and base.module_class is not None:
            held = self.held_module(base, method)
            if held is not None:
                # `model.encoder(x)` of a plain class holding its modules: the module's call
                return self.call_layer(held, node, args, kwargs)
            return self.call_instance_method(base, method, args, kwargs, node, state)
        if isinstance(base, Poly) and not base.is_opaque and len(base.terms) == 1 and len(base.terms[0][0]) == 1:
            # `cfg.get("hidden")`: a symbol of its own for each call written with other constants;
            # a call whose arguments are not constants is unknown (two such calls may differ)
            constants = [repr(arg.value) if isinstance(arg, Const) else
                         arg.describe() if isinstance(arg, Poly) and arg.constant is not None else None
                         for arg in args]
            if kwargs or None in constants:
                return UNKNOWN
            shown = ", ".join(constant for constant in constants if constant is not None)
            return Poly.atom(f"{base.terms[0][0][0]}.{method}({shown})")
        if isinstance(base, Const) and isinstance(base.value, str) and method in ("lower", "upper") and not args:
            return Const(getattr(base.value, method)())
        return UNKNOWN

    def held_module(self, instance: Layer, name: str) -> Layer | None:
        """The module ``instance``'s ``__init__`` set as attribute ``name``, when its class has no
        method of that name (``self.encoder = encoder`` of a ``Model(object)``); None otherwise."""
        held = dict(instance.module_state).get("self." + name)
        if not isinstance(held, Layer):
            return None
        info = self.registry.get(instance.module_class) or self.classes.get(instance.module_class)
        return held if info is not None and self.find_method(name, info)[0] is None else None

    def module_method_returns_self(self, module: Layer, method: str) -> bool:
        """Whether ``module.<method>(...)`` is ``nn.Module``'s, which returns the module: always for
        a torch layer; for a project class, when it behaves as a module (it has a ``forward``) and
        defines no method of that name itself."""
        if module.module_class is None:
            return True
        info = self.registry.get(module.module_class) or self.classes.get(module.module_class)
        return info is not None and self.find_method(method, info)[0] is None \
            and self.find_method("forward", info)[0] is not None

    def call_instance_method(self, instance: Layer, method: str, args: list, kwargs: dict, node: ast.Call,
                             state: dict) -> Value:
        """``self.decoder.init_state(h)``, ``encoder.encode(x)``: a method of a project class runs
        on the instance's attributes and the caller's values. What it sets on the instance is set
        on the name the caller reached it by (a later call of that name sees it); when that name
        cannot be told, the instance's attributes are no longer known."""
        info = self.registry.get(instance.module_class) or self.classes.get(instance.module_class)
        if info is None or (not instance.module_state and "__init__" in info.methods) \
                or self.find_method(method, info)[0] is None or self.depth >= MAX_INLINE_DEPTH - 1:
            return UNKNOWN
        before = dict(instance.module_state)
        local = dict(before)
        result = self.run_method(method, local, args, kwargs, info=info)
        changed = {key: value for key, value in local.items() if key.startswith("self.")
                   and (key not in before or before[key] is not value)}
        if changed:
            receiver = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
            updated = replace(instance, module_state=tuple(local.items())) \
                if receiver is not None and state.get(receiver) is instance else None
            for name, value in list(state.items()):
                if value is instance:  # every name bound to this instance
                    state[name] = updated if updated is not None else replace(instance, module_state=())
                elif _holds(value, instance):  # a container of it (a module, a list): what it holds is stale
                    state[name] = replace(value, module_state=()) if isinstance(value, Layer) else UNKNOWN
        return result

    def _fill_module_list(self, module_list: Layer, method: str, args: list, node: ast.Call, state: dict) -> None:
        target = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
        if target is None or target not in state or not args:
            return
        added = args[0] if method == "append" else _loop_item(args[0])
        if module_list.items is not None and (method == "append" or isinstance(args[0], TupleValue)):
            # the children stay known one by one; a loop turns them into a first and later ones
            new_items = (added,) if method == "append" else args[0].items
            state[target] = replace(module_list, items=module_list.items + new_items)
            return
        if module_list.items is not None and not module_list.items:
            element = added  # the first child
        elif module_list.items is None and module_list.element == added:
            element = added
        else:
            element = UNKNOWN
        state[target] = replace(module_list, items=None, element=element)

    def tensor_method(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value:
        """``tensor.<method>(*args, **kwargs)``, by the method's behaviour in the registry; a
        method not listed (or a call its handler does not follow) returns a tensor of unknown
        shape, from the same RNN."""
        behaviour = _pytorch.TENSOR_METHODS.get(method)
        handler = _METHOD_HANDLERS.get(behaviour) if behaviour is not None else None
        kwargs = _pytorch.dim_keyword(kwargs, method)
        result = handler(self, tensor, method, args, kwargs, node) if handler is not None else None
        if isinstance(result, Tensor) and result.positions is not None and method not in _pytorch.KEEP_ENTRIES:
            result = replace(result, positions=None)  # `arange(n).flip(0)`: no longer the positions
        return result if result is not None else Tensor(rnn=tensor.rnn)

    def method_size(self, tensor: Tensor, _method: str, args: list, kwargs: dict, _node: ast.Call) -> Value | None:
        axis = args[0] if args else kwargs.get("dim")
        shape = self.shape_of(tensor)
        if axis is None:
            return shape
        if isinstance(shape, ShapeValue):
            index = as_int(axis)
            if index is not None and tensor.shape is not None and -len(tensor.shape) <= index < len(tensor.shape):
                return self._named_dim(tensor, index)
        if tensor.key is not None and (position := as_int(axis)) is not None and position >= 0:
            return axis_symbol(tensor.key, position)
        return UNKNOWN

    def method_rank(self, tensor: Tensor, _method: str, _args: list, _kwargs: dict, _node: ast.Call) -> Value | None:
        return number(len(tensor.shape)) if tensor.shape is not None else UNKNOWN

    def method_reshape(self, tensor: Tensor, method: str, args: list, _kwargs: dict, node: ast.Call) -> Value | None:
        dims = args
        if len(args) == 1 and isinstance(args[0], (TupleValue, ShapeValue)):
            dims = list(args[0].items if isinstance(args[0], TupleValue) else args[0].dims)
        if len(args) == 1 and isinstance(args[0], Tensor):
            return Tensor()  # view_as style
        if any(isinstance(d, Alt) for d in dims):
            # `view(layers, self.num_directions, batch, hidden)`: one shape (and one fact) per configuration
            return self.guarded_map(lambda *sizes: self.tensor_method(tensor, method, list(sizes), {}, node), *dims)
        dims = ops.settled_sizes(tensor, list(dims))
        self.events.append(Reshape(node, self.guard, tensor, tuple(dims), method))
        if not all(isinstance(d, (Poly, Unknown)) for d in dims):
            return Tensor(rnn=tensor.rnn)
        return ops.reshape(tensor, list(dims))

    def method_matmul(self, tensor: Tensor, _method: str, args: list, _kwargs: dict, _node: ast.Call) -> Value | None:
        if not args:
            return None
        return map_cases(lambda other: ops.matmul(tensor, other) if isinstance(other, Tensor) else Tensor(), args[0])

    def method_like_other(self, tensor: Tensor, _method: str, args: list, _kwargs: dict,
                          _node: ast.Call) -> Value | None:
        if not args:
            return None
        return args[0] if isinstance(args[0], Tensor) else tensor

    def method_permute(self, tensor: Tensor, _method: str, args: list, _kwargs: dict, _node: ast.Call) -> Value | None:
        order = args
        if len(args) == 1 and isinstance(args[0], TupleValue):
            order = list(args[0].items)
        return ops.permute(tensor, list(order))

    def method_movedim(self, tensor: Tensor, _method: str, args: list, kwargs: dict,
                       _node: ast.Call) -> Value | None:
        source = args[0] if args else kwargs.get("source", UNKNOWN)
        destination = args[1] if len(args) > 1 else kwargs.get("destination", UNKNOWN)
        rank = ops.known_rank(tensor)
        moved, to = ops.normalize_axis(source, rank), ops.normalize_axis(destination, rank)
        if rank is None or moved is None or to is None:
            return None
        order = [axis for axis in range(rank) if axis != moved]
        order.insert(to, moved)
        return ops.permute(tensor, [number(axis) for axis in order])

    def method_unflatten(self, tensor: Tensor, method: str, args: list, kwargs: dict,
                         node: ast.Call) -> Value | None:
        axis = args[0] if args else kwargs.get("dim")
        sizes = args[1] if len(args) > 1 else kwargs.get("sizes")
        rank = ops.known_rank(tensor)
        index = ops.normalize_axis(axis, rank) if axis is not None else None
        if rank is None or index is None or not isinstance(sizes, TupleValue) or tensor.shape is None:
            return None
        # one axis split in place: a reshape that keeps every other axis
        dims = list(tensor.shape[:index]) + list(sizes.items) + list(tensor.shape[index + 1:])
        self.events.append(Reshape(node, self.guard, tensor, tuple(dims), method))
        return ops.reshape(tensor, dims)

    def method_transpose(self, tensor: Tensor, _method: str, args: list, _kwargs: dict,
                         _node: ast.Call) -> Value | None:
        return ops.transpose(tensor, args[0], args[1]) if len(args) == 2 else None

    def method_matrix_transpose(self, tensor: Tensor, _method: str, _args: list, _kwargs: dict,
                                _node: ast.Call) -> Value | None:
        if tensor.shape is not None and len(tensor.shape) == 2:
            return ops.transpose(tensor, number(0), number(1))
        return Tensor()

    def method_squeeze(self, tensor: Tensor, _method: str, args: list, kwargs: dict, _node: ast.Call) -> Value | None:
        axis = args[0] if args else kwargs.get("dim")
        result = ops.squeeze(tensor, axis)
        before = self.head_call_of(tensor)
        if before is not None and ops.keeps_first_axis(tensor, axis):
            # a head's per-layer result keeps its layers*directions axis: `fc(h_n).squeeze(-1)`
            self.head_calls[id(result)] = (result, before)
        return result

    def method_unsqueeze(self, tensor: Tensor, _method: str, args: list, kwargs: dict,
                         _node: ast.Call) -> Value | None:
        return ops.unsqueeze(tensor, args[0] if args else kwargs.get("dim", UNKNOWN))

    def method_flatten(self, tensor: Tensor, _method: str, args: list, kwargs: dict, _node: ast.Call) -> Value | None:
        start = args[0] if args else kwargs.get("start_dim", number(0))
        end = args[1] if len(args) > 1 else kwargs.get("end_dim", number(-1))
        return ops.flatten(tensor, start, end)

    def method_reduce(self, tensor: Tensor, method: str, args: list, kwargs: dict, node: ast.Call) -> Value | None:
        axis = args[0] if args else kwargs.get("dim")
        keepdim = truth(args[1]) if len(args) > 1 else truth(kwargs.get("keepdim", Bool(False)))
        if isinstance(axis, TupleValue):
            return Tensor()
        self.events.append(Reduce(node, self.guard, tensor, axis, method))
        if axis is not None and isinstance(axis, Poly):
            reduced = ops.reduce(tensor, axis, bool(keepdim))
            if _pytorch.TENSOR_METHODS[method] == _pytorch.REDUCE_VALUES_INDICES:
                return TupleValue((reduced, reduced))
            return reduced
        if axis is None:
            return Tensor(shape=())
        return Tensor()

    def method_new_tensor(self, _tensor: Tensor, method: str, args: list, _kwargs: dict,
                          node: ast.Call) -> Value | None:
        return self.created_tensor(args[:1] if method == "new_full" else args, node)

    def method_new_legacy(self, _tensor: Tensor, _method: str, args: list, _kwargs: dict,
                          node: ast.Call) -> Value | None:
        # the legacy `weight.new(layers, batch, hidden)`; a list or tuple argument is data
        if len(args) == 1 and isinstance(args[0], (TupleValue, ListValue)):
            return Tensor(source=node)
        return self.created_tensor(args, node)

    def method_elementwise(self, tensor: Tensor, _method: str, _args: list, _kwargs: dict,
                           _node: ast.Call) -> Value | None:
        return tensor

    def method_unknown(self, _tensor: Tensor, _method: str, _args: list, _kwargs: dict,
                       _node: ast.Call) -> Value | None:
        return UNKNOWN

    def method_gather(self, tensor: Tensor, _method: str, args: list, kwargs: dict, _node: ast.Call) -> Value | None:
        index = args[1] if len(args) > 1 else kwargs.get("index")
        axis = args[0] if args else kwargs.get("dim")
        return ops.gather(tensor, axis, index) if isinstance(index, Tensor) and isinstance(axis, Poly) else None

    def method_repeat(self, tensor: Tensor, method: str, args: list, _kwargs: dict, node: ast.Call) -> Value | None:
        sizes = list(args[0].items) if len(args) == 1 and isinstance(args[0], TupleValue) else args
        result = ops.repeat(tensor, sizes, expand=method == "expand")
        # the call that gave the tensor its shape: where a state built this way is wrong
        return replace(result, source=node) if result.shape is not None else result


# tensor method behaviour (the registry's) -> the interpreter's handler
_METHOD_HANDLERS: dict[str, Callable[..., Value | None]] = {
    _pytorch.SIZE: Calls.method_size,
    _pytorch.RANK: Calls.method_rank,
    _pytorch.RESHAPE: Calls.method_reshape,
    _pytorch.MATMUL: Calls.method_matmul,
    _pytorch.LIKE_OTHER: Calls.method_like_other,
    _pytorch.PERMUTE: Calls.method_permute,
    _pytorch.MOVEDIM: Calls.method_movedim,
    _pytorch.UNFLATTEN: Calls.method_unflatten,
    _pytorch.TRANSPOSE: Calls.method_transpose,
    _pytorch.MATRIX_TRANSPOSE: Calls.method_matrix_transpose,
    _pytorch.SQUEEZE: Calls.method_squeeze,
    _pytorch.UNSQUEEZE: Calls.method_unsqueeze,
    _pytorch.FLATTEN: Calls.method_flatten,
    _pytorch.REDUCE: Calls.method_reduce,
    _pytorch.REDUCE_VALUES_INDICES: Calls.method_reduce,
    _pytorch.NEW_TENSOR: Calls.method_new_tensor,
    _pytorch.NEW_LEGACY: Calls.method_new_legacy,
    _pytorch.ELEMENTWISE: Calls.method_elementwise,
    _pytorch.PIECES: Calls.method_unknown,
    _pytorch.REPEAT: Calls.method_repeat,
    _pytorch.EXPAND: Calls.method_repeat,
    _pytorch.GATHER: Calls.method_gather,
    _pytorch.NOT_A_TENSOR: Calls.method_unknown,
}


def _free_label(aliases: dict, label: str) -> str:
    """``seq``, or ``seq_2`` when another size already reads ``seq``: two sequences of their
    own lengths (a premise and a hypothesis) must not read as one size."""
    taken = set(aliases.values())
    if label not in taken:
        return label
    number = 2
    while f"{label}_{number}" in taken:
        number += 1
    return f"{label}_{number}"


def known_rank_is_3(tensor: Tensor) -> bool:
    """Batched input: rank 3, or rank not known (a batched call is the usual case)."""
    return tensor.shape is None or len(tensor.shape) == 3


def _as_dimension(value: Value) -> Value:
    """A size argument: a number, or unknown (a 0-d tensor, None, a string)."""
    return value if isinstance(value, Poly) else UNKNOWN


def _argument_node(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    return argument_value(argument(call, position, keyword))


def _holds_recurrent_tuple(value: Value) -> bool:
    """Whether some case of ``value`` is a tuple an RNN returned (a result or an LSTM's state)."""
    return any(isinstance(case, TupleValue) and case.origin is not None for _, case in cases(value))


def _holds(value: Value, instance: Layer, depth: int = 0) -> bool:
    """Whether ``value`` holds ``instance`` somewhere inside: an attribute of a module (at any
    depth), an item of a tuple, list or container module, a case of alternatives."""
    if depth > 8:
        return True  # too deep to tell: as if it did
    for _, case in cases(value):
        if case is instance:
            return True
        inner: list = []
        if isinstance(case, Layer):
            inner = [item for _, item in case.module_state] + list(case.items or ()) + [case.element]
            inner += [case.first] if case.first is not None else []
        elif isinstance(case, TupleValue):
            inner = list(case.items)
        elif isinstance(case, ListValue):
            inner = [case.item] + ([case.first] if case.first is not None else [])
        if any(_holds(item, instance, depth + 1) for item in inner):
            return True
    return False


def _holds_in_file_modules(layer: Layer) -> bool:
    children = layer.items if layer.items is not None else (layer.element,)
    return any(isinstance(child, Layer) and child.module_class is not None for child in children)


def _same_layout(before: Value, after: Value) -> Value:
    """What a chain of alike children returns when one child gives back the shape it was given."""
    if isinstance(before, Tensor) and isinstance(after, Tensor) and before.shape == after.shape \
            and before.last_axis == after.last_axis and not isinstance(after.last_axis, Unknown):
        return Tensor(shape=after.shape, roles=after.roles if before.roles == after.roles else None,
                      feature=after.feature, rnn=after.rnn)
    return Tensor() if isinstance(after, Tensor) else UNKNOWN


def _sequence_of_steps(sequences: Value) -> Value:
    """One tensor of the list ``pack_sequence`` takes: its last axis is the features of every step."""
    item = _loop_item(sequences) if isinstance(sequences, (ListValue, TupleValue)) else UNKNOWN
    if isinstance(item, Tensor) and (item.shape is None or len(item.shape) >= 2):
        return Tensor(feature=item.last_axis, rnn=item.rnn)
    return UNKNOWN


def _packed_from(tensor: Value, batch_first: Value, node: ast.AST) -> Value:
    if not isinstance(tensor, Tensor):
        return Packed(batch_first=batch_first, pack_node=node)
    batch: Value = UNKNOWN
    flag = truth(batch_first)
    if tensor.shape is not None and len(tensor.shape) == 3 and flag is not None:
        batch = tensor.shape[0 if flag else 1]
    elif tensor.shape is None and flag is not None and len(tensor.leading) > (0 if flag else 1):
        # rank unknown, first axes known (`x.unsqueeze(0)`, one sequence): the batch axis among them
        batch = tensor.leading[0 if flag else 1]
    return Packed(feature=tensor.last_axis, batch_first=batch_first, batch=batch, pack_node=node)


def _padded_from(packed: Value, batch_first: Value) -> Value:
    if not isinstance(packed, Packed):
        return TupleValue((Tensor(), Tensor()))
    flag = truth(batch_first)
    if flag is None:
        return TupleValue((Tensor(feature=packed.feature, rnn=packed.rnn), Tensor()))
    seq = Poly.atom("padded_seq")
    shape = (packed.batch, seq, packed.feature) if flag else (seq, packed.batch, packed.feature)
    from ._values import BATCH, FEATURE, TIME

    roles = (BATCH, TIME, FEATURE) if flag else (TIME, BATCH, FEATURE)
    origin = "output" if packed.rnn is not None else None
    lengths = Tensor(shape=(packed.batch,), roles=(BATCH,))  # one length per sequence
    return TupleValue((Tensor(shape=shape, roles=roles, origin=origin, rnn=packed.rnn), lengths))


def _spliced(value: Value) -> list | None:
    """The arguments ``*value`` passes, when ``value`` is a tuple or a shape of known length."""
    if isinstance(value, TupleValue):
        return list(value.items)
    if isinstance(value, ShapeValue) and value.dims:
        return list(value.dims)
    return None
