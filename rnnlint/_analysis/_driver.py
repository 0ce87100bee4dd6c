"""The driver: sets up one analysis run per class, function and module body of a file, and
gathers what they record into the file's facts. The only caller of the interpreter.
"""

from __future__ import annotations

import ast
import contextlib
import re
from pathlib import Path
from typing import Any

from .._pytorch import LAYERS
from .._source import SourceLines, walk
from ._core import method_order
from ._facts import FileFacts, RnnCall, ScopeFacts
from ._interpreter import (
    MODULE_BASES,
    ClassInfo,
    Interpreter,
    PathEnds,
    positional_parameters,
    used,
)
from ._names import ImportTable, dotted_name
from ._program import (
    DATA_LOADERS,
    MAX_CONFIGURATIONS,
    Built,
    Configuration,
    Instance,
    ModuleBindings,
    Site,
    imported_functions,
    is_callable_value,
    module_functions,
)
from ._sites import Foreign
from ._symbolic import UNKNOWN, Alt, Bool, Const, Omitted, Poly, Value, alternatives, cases
from ._torchtext import ITERATORS as TORCHTEXT_ITERATORS
from ._torchtext import torchtext_name
from ._values import Layer, Tensor, TupleValue


def analyse(module: ast.Module, source: str, body: list | None = None, project=None,
            path: str | None = None, closed_classes: frozenset = frozenset()) -> FileFacts:
    """Compute the facts of one parsed file; ``body``: the top-level statements to read (by
    default all of them; the engine leaves out definitions that cannot matter); ``project``:
    the ``Project`` whose modules the file's imports are resolved among (``path`` is the file's).
    ``closed_classes``: the classes every construction of which is in view (a project model
    knows it): one that is built here is only what its sites build, so its own symbolic run,
    and the findings that hold only under a configuration no site builds, are left out."""
    body = module.body if body is None else body
    imports = ImportTable()
    _collect_imports(body, imports)
    bound = None
    if project is not None and path:
        from .._engine import needs_analysis

        bound = project.bind(Path(path), module.body, imports, builds_recurrent=needs_analysis(source))
    rebound = _rebound_names(module.body, with_globals=declares_global(source))
    constants = _module_constants(body, imports, rebound, bound.constants if bound else None, source)
    classes = _collect_classes(body, imports, bound.classes if bound else None)
    constants.update(module_functions(body, rebound, imports, classes))
    constants.read_domains(module)
    constants.read_field_layout(module, source)
    constants.update(imported_functions(bound, constants))
    if "fixture" in source:
        constants.fixtures = pytest_fixtures(module.body, imports)
    constants.read_options(module, imports)
    registry = dict(project.registry) if project is not None else {}
    registry.update((name, info) for name, info in classes.items() if info.context is None)
    scopes = []
    module_classes = [info for info in classes.values()
                      if info.context is None and _is_module_class(info, imports, classes)]
    symbolic = {}
    outside = _called_outside_classes(source) if module_classes else frozenset()
    for info in module_classes:
        symbolic[info.name] = _analyse_class(info, imports, constants, classes, registry, outside=outside)
        scopes.append(symbolic[info.name])
    for info in classes.values():
        if info.context is None and info not in module_classes and _loader_loops(info, imports):
            scopes.append(_analyse_class(info, imports, constants, classes, registry, entries=False))
    # the top level first: a function it calls with nothing to bind, unguarded (`main()` under
    # `if __name__ == "__main__":`), ran there as its own run would, and is not run again
    top_level, whole = _analyse_module_level(module, body, imports, constants, classes, registry)
    for statement in body:
        if isinstance(statement, ast.FunctionDef) and statement not in whole:
            scopes.append(_analyse_function(statement, imports, constants, classes, registry))
    scopes.append(top_level)
    depends: dict = {}
    site_trees: list = []
    callers: list = []
    elsewhere, closed_here, site_search = _sites_elsewhere(module_classes, source, path, project, constants, depends,
                                                           site_trees, callers, classes)
    if elsewhere:
        # the classes the runs of other files summarised: the modules their sites built are of them
        registry.update((key, info) for key, info in project.registry.items() if key not in registry)
    rebuilt: list = []  # the classes of other files rebuilt from a site's instance
    ran: dict = {}  # class name -> the sites it was run on
    # each construction site that passes known values is a configuration of its class
    for info in module_classes:
        closed = info.name in closed_classes or info.name in closed_here
        configured = []
        sites = constants.configurations(info.name, every_site=closed)
        sites += ModuleBindings.choose(elsewhere.get(info.name, []), every_site=closed)
        ran[info.name] = sites[:MAX_CONFIGURATIONS]
        for site in sites[:MAX_CONFIGURATIONS]:
            scope = _analyse_configuration(info, site, imports, constants, classes, registry, rebuilt, outside)
            if scope is not None:
                configured.append(scope)
        every = len(constants.distinct_sites(info.name)) + len(ModuleBindings.choose(
            elsewhere.get(info.name, []), every_site=True, limit=None))
        if closed and configured and len(configured) == every:
            if elsewhere.get(info.name) or info.name in closed_classes:
                scopes.remove(symbolic[info.name])
            else:
                # every site is in this file: the symbolic run stays for its messages and fixes,
                # each of its findings standing only where a configuration confirms it
                symbolic[info.name].confirmed_only = True
        scopes.extend(configured)
    # a class that another class builds in one of its configurations only (`eval(self.kind)(config)`
    # on the config a site passes): those sites are seen now, and are configurations too
    for info in module_classes:
        done = ran[info.name]
        later = [site for site in constants.configurations(info.name) if site not in done]
        for site in later[:MAX_CONFIGURATIONS - len(done)]:
            scope = _analyse_configuration(info, site, imports, constants, classes, registry, rebuilt, outside)
            if scope is not None:
                scopes.append(scope)
    if callers and path:
        # another file that builds a class here and calls it: what its run did in this file's code
        from ._callers import caller_runs

        own = project.tree_at(Path(path)) if project.text(Path(path)) == source else None
        prefix = project.module_name(Path(path)) + ":"
        # code that only the class's entry methods reach (`generate(x)`, often on one sample made
        # a batch of one) is entry code in a caller's run too
        scopes.extend(caller_runs(callers, module, own, {prefix + info.name for info in module_classes},
                                  _entry_only_nodes(scopes)))
    # the summaries read, with those the classes that ran pulled in (and the files they came from)
    reached = project.reached(bound) if bound else []
    for summary in reached:
        for file, digest in summary.depends.items():
            depends.setdefault(file, digest)
    foreign = tuple(project.tree_of(summary) for summary in reached)
    if callers:
        foreign += tuple(caller.tree for caller in callers)
    if rebuilt:
        # a module another file's site built: its classes' files, and the site's, are read here
        for summary in project.summaries_holding(rebuilt):
            for file, digest in summary.depends.items():
                depends.setdefault(file, digest)
        foreign += tuple(tree for tree in project.parsed_trees() if tree is not module) + tuple(site_trees)
    return FileFacts(module=module, imports=imports, scopes=scopes, lines=SourceLines(source),
                     depends=depends, site_search=site_search, foreign_trees=foreign)


def _entry_only_nodes(scopes: list) -> set:
    """The ids of the nodes the classes' own runs reached only from entry methods."""
    entry: set = set()
    other: set = set()
    for scope in scopes:
        if scope.kind != "class":
            continue
        for event in scope.events:
            (entry if id(event) in scope.entry_events else other).add(id(event.node))
    return entry - other


def _sites_elsewhere(module_classes: list, source: str, path: str | None, project, constants: ModuleBindings,
                     depends: dict, trees: list, callers: list, classes: dict) -> tuple:
    """The construction sites other project files make of the file's classes (name -> sites),
    the names of the classes every construction of which is in view (see ``_sites``), and what
    a cached result must find unchanged in the files searched (``Project.site_record``)."""
    if project is None or not path or not module_classes:
        return {}, set(), None
    from ._sites import all_seen, foreign_sites

    names = [info.name for info in module_classes]
    # a plain class here that builds them (a `Model` holding the encoder and decoder): a file
    # that builds it calls them through it
    holders = _holders(classes, module_classes)
    sites, open_names, read, record, run_trees, runs = foreign_sites(project, Path(path), names + holders)
    depends.update(read)
    trees.extend(run_trees)
    callers.extend(runs)
    closed = set()
    if Path(path).name != "__init__.py" and "__all__" not in source:
        for name in names:
            lines = {site.node.lineno for site in constants.sites if site.class_name == name}
            # built at least once (here or in another file), and every mention here is a site seen
            if name not in open_names and (sites[name] or lines) and all_seen(source, name, lines):
                closed.add(name)
    return sites, closed, record


def _holders(classes: dict, module_classes: list) -> list:
    """The names of the file's plain classes (no module) whose methods build one of its module
    classes: a file that builds one calls those modules through it (``model.encoder(x)``)."""
    names = {info.name for info in module_classes}
    return [info.name for info in classes.values() if info.context is None and info not in module_classes
            and any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
                    for node in walk(info.node))]


def run_for_sites(module: ast.Module, source: str, project, path: str, lines: set | None = None,
                  chosen: tuple | None = None, keep: frozenset = frozenset()) -> tuple:
    """``(sites, classes, scopes)``: the constructions the runs of another project file see (its
    module body, functions and module classes; with ``lines``, only those spanning one of them),
    the classes its names bind, and the facts of those runs; no configuration runs. ``chosen``:
    ``(prefix, path)`` when the file reaches the classes' module only as
    ``import_module(prefix + name)``: that call is the module at ``path``. ``keep``: the keys
    of the classes whose sites are looked for (bound even where a class that builds no
    recurrent layer would not be)."""

    def wanted(statement: ast.stmt) -> bool:
        end = getattr(statement, "end_lineno", None) or statement.lineno
        return lines is None or any(statement.lineno <= line <= end for line in lines)

    imports = ImportTable()
    _collect_imports(module.body, imports)
    from .._engine import needs_analysis

    bound = project.bind(Path(path), module.body, imports, builds_recurrent=needs_analysis(source), keep=keep)
    chosen_module = project.bind_chosen(bound, chosen[1]) if chosen is not None else None
    rebound = _rebound_names(module.body, with_globals=declares_global(source))
    constants = _module_constants(module.body, imports, rebound, bound.constants, source)
    classes = _collect_classes(module.body, imports, bound.classes)
    constants.update(module_functions(module.body, rebound, imports, classes))
    constants.read_domains(module)
    constants.read_field_layout(module, source)
    constants.update(imported_functions(bound, constants))
    if chosen is not None and chosen_module is not None:
        constants.chosen_module = (chosen[0], chosen_module)
    if "fixture" in source:
        constants.fixtures = pytest_fixtures(module.body, imports)
    constants.read_options(module, imports)
    registry = dict(project.registry)
    registry.update((name, info) for name, info in classes.items() if info.context is None)
    scopes = []
    for info in classes.values():
        if info.context is None and wanted(info.node):
            if _is_module_class(info, imports, classes):
                scopes.append(_analyse_class(info, imports, constants, classes, registry, entries=False))
            elif lines is not None:
                scopes.append(_analyse_driver(info, imports, constants, classes, registry))
    for statement in module.body:
        if isinstance(statement, ast.FunctionDef) and wanted(statement):
            scopes.append(_analyse_function(statement, imports, constants, classes, registry))
    if any(wanted(statement) for statement in module.body
           if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))):
        scopes.append(_analyse_module_level(module, module.body, imports, constants, classes, registry)[0])
    return constants.sites, classes, scopes


def _collect_imports(body: list, imports: ImportTable) -> None:
    """Read every import statement, at any depth, without walking expressions."""
    pending = list(body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.add(statement)
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                pending.extend(block)
        for handler in getattr(statement, "handlers", ()) or ():
            pending.extend(handler.body)


def _module_constants(body: list, imports: ImportTable, rebound: set, imported: dict | None = None,
                      source: str | None = None) -> ModuleBindings:
    """Module-level ``NAME = <expression over literals and earlier constants>``, wherever at
    module level it is written (also under ``if __name__ == "__main__":`` or in ``try``). A name
    bound more than once, or set again by a function through ``global``, has no single value
    that a method reads: unknown. Lambdas, partials and layer classes bound once are values
    too: the code below calls them. ``imported``: the constants the file imports from the project.
    ``source``: the file's text, for a layer built once at module level to be that layer where
    the file's functions read it (never where the text sets an attribute of that name)."""
    constants = ModuleBindings(imported or {})
    interpreter = Interpreter(imports, constants, {}, None)
    changed = None  # (names the text sets an attribute of, whether it sets a layer setting elsewhere)
    for statement in _module_level_statements(body):
        target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
        assert isinstance(target, ast.Name)  # `_module_level_statements` gives plain names
        name = target.id
        value = interpreter.eval(statement.value, {})
        # a constant is a plain value; tensors built at module level are not constants (an
        # in-place operation may change their shape), nor is a layer the file may change
        plain = _is_plain(value) or is_callable_value(value)
        if not plain and source is not None and isinstance(value, Layer) and name not in rebound:
            if changed is None:  # read from the text once, for every layer of the file
                changed = _attributes_set(source), _settings_set_elsewhere(source)
            plain = name not in changed[0] and not changed[1]
        constants[name] = UNKNOWN if name in rebound or not plain else value
    return constants


# `name.attribute = ...` (or `+=`, or deeper: `name.a.b = ...`), `setattr(name, ...)`, `del name.attribute`
_ATTRIBUTE_SET = re.compile(r"\b([A-Za-z_]\w*)(?:\s*\.\s*\w+)+\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"
                            r"|\bsetattr\(\s*([A-Za-z_]\w*)|\bdel\s+([A-Za-z_]\w*)\s*\.")


# every layer's constructor parameters: the settings code may set on a built layer
_LAYER_SETTINGS = frozenset(name for spec in LAYERS.values() for name, _ in spec.parameters or ())
_SETTING_SET = re.compile(r"(\w*)\s*\.\s*(\w+)\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)|\bsetattr\(\s*(\w*)")


def _settings_set_elsewhere(source: str) -> bool:
    """Whether the text sets a layer setting (``batch_first``, ``hidden_size``, any layer's
    constructor parameter) on something other than ``self`` itself, or calls ``setattr`` on
    something other than ``self``: a layer may then be changed through another name (a
    parameter of a function it is passed to), so no layer built at module level is known."""
    for match in _SETTING_SET.finditer(source):
        owner, attribute, set_on = match.groups()
        if set_on is not None:
            if set_on != "self":
                return True
        elif attribute in _LAYER_SETTINGS and owner != "self":
            return True
    return False


def _attributes_set(source: str) -> set:
    """The names the text sets an attribute of, anywhere (read from the text: a layer whose
    setting is changed after it is built is not the layer it was built as)."""
    return {next(group for group in match.groups() if group) for match in _ATTRIBUTE_SET.finditer(source)}


def _module_level_statements(body: list):
    """The plain ``NAME = value`` statements of the module's own scope, in order, at any depth of
    ``if`` / ``try`` / ``with`` / loops but not inside functions or classes."""
    for statement in body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)) \
                or (isinstance(statement, ast.AnnAssign) and statement.value is not None
                    and isinstance(statement.target, ast.Name)):
            yield statement
        elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody"):
                block = getattr(statement, name, None)
                if isinstance(block, list):
                    yield from _module_level_statements(block)
            for handler in getattr(statement, "handlers", ()) or ():
                yield from _module_level_statements(handler.body)


_GLOBAL_STATEMENT = re.compile(r"(?:^[ \t]+|[:;][ \t]*)global[ \t]", re.MULTILINE)


def declares_global(source: str) -> bool:
    """Whether ``source`` may hold a ``global`` statement of a function: indented, or after a
    colon or semicolon (``def f(): global x; x = 1``)."""
    return "global" in source and _GLOBAL_STATEMENT.search(source) is not None


def _rebound_names(body: list, with_globals: bool = True) -> set:
    """Module-level names bound more than once (two assignments, a loop variable, an augmented
    assignment, an import or definition of the same name), or assigned by a function that
    declares them ``global``: no single value holds for every reader. ``with_globals``: False when
    the file's text has no ``global`` statement (its functions need not be walked)."""
    counts: dict = {}

    def bind(name: str) -> None:
        counts[name] = counts.get(name, 0) + 1

    rebound: set = set()
    pending = list(body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bind(statement.name)
            if with_globals:
                rebound |= _globals_assigned(statement)
            continue
        for node in _walk_scope(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                bind(node.id)
                if isinstance(node.ctx, ast.Del):
                    rebound.add(node.id)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                rebound.add(node.target.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    bind((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bind(node.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bind(node.name)
                if with_globals:
                    rebound |= _globals_assigned(node)
    return rebound | {name for name, count in counts.items() if count > 1}


def _walk_scope(node: ast.AST):
    """The nodes of ``node`` that belong to the module's scope: function and class bodies,
    lambdas and comprehensions are scopes of their own (their definitions are yielded)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
                                ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and current is not node:
            continue
        pending.extend(ast.iter_child_nodes(current))


def _globals_assigned(definition: ast.AST) -> set:
    """The names functions inside ``definition`` declare ``global`` and assign."""
    names: set = set()
    if not any(isinstance(node, ast.Global) for node in walk(definition)):
        return names  # one walk: most definitions declare nothing global
    for function in walk(definition):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        declared = {name for node in walk(function) if isinstance(node, ast.Global) for name in node.names}
        if not declared:
            continue
        for node in walk(function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)) and node.id in declared:
                names.add(node.id)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in declared:
                names.add(node.target.id)
    return names


def _is_plain(value: Value) -> bool:
    return isinstance(value, (Bool, Const, Poly))


def _collect_classes(body: list, imports: ImportTable, imported: dict | None = None) -> dict:
    """The file's classes by name, with ``imported``: the project classes its imports bind (they
    run in their own file's context and are never changed here)."""
    classes: dict = dict(imported or {})
    local: list[ClassInfo] = []
    for statement in body:
        if not isinstance(statement, ast.ClassDef):
            continue
        methods = {}
        class_attributes: dict = {}
        for item in statement.body:
            if isinstance(item, ast.FunctionDef):
                methods[item.name] = item
        info = ClassInfo(statement.name, statement, methods, [], class_attributes)
        classes[info.name] = info
        local.append(info)
    interpreter = Interpreter(imports, {}, classes, None)
    for info in local:
        for base in info.node.bases:
            if isinstance(base, ast.Name) and base.id in classes:
                info.bases.append(classes[base.id])
            elif isinstance(base, ast.Attribute) and imports.resolve(base) in classes:
                info.bases.append(classes[imports.resolve(base)])  # `class M(base.Encoder)`
        for item in info.node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                value = interpreter.eval(item.value, {})
                info.class_attributes[item.targets[0].id] = value if _is_plain(value) else UNKNOWN
    for info in local:
        ancestors: list[ClassInfo] = []
        pending = list(info.bases)
        while pending:
            base = pending.pop()
            if all(base is not known for known in ancestors):
                ancestors.append(base)
                pending.extend(base.bases)
        for ancestor in ancestors:
            if ancestor.context is not None:
                continue  # another file's class is shared by all its importers
            ancestor.overridden |= set(info.class_attributes) & set(ancestor.class_attributes)
    return classes


def _is_module_class(info: ClassInfo, imports: ImportTable, classes: dict, seen: frozenset = frozenset()) -> bool:
    if info.name in seen:
        return False
    for base in info.node.bases:
        qualified = imports.resolve(base)
        if qualified in MODULE_BASES or (qualified or "").endswith("LightningModule"):
            return True
        inherited = classes.get(base.id) if isinstance(base, ast.Name) else classes.get(imports.resolve(base) or "")
        if inherited is not None:
            context: Any = used(inherited).context
            owner_imports, owner_classes = (context.imports, context.classes) if context is not None \
                else (imports, classes)
            if _is_module_class(inherited, owner_imports, owner_classes, seen | {info.name}):
                return True
    # a base from another file: a class with forward() is most likely a module
    return "forward" in info.methods and bool(info.node.bases)


def _analyse_configuration(info: ClassInfo, site: Site, imports: ImportTable, constants: ModuleBindings,
                           classes: dict, registry: dict, rebuilt: list | None = None,
                           outside: frozenset = frozenset()) -> ScopeFacts | None:
    """The class run on one site's arguments, every fact under the site's `Built` atom; a module
    another file's site passes is rebuilt here from its recipe (``rebuilt``: the classes of other
    files that took)."""
    interpreter = Interpreter(imports, constants, classes, info, registry=registry)
    init, _ = interpreter.find_method("__init__", info)
    if init is None:
        return None
    local: dict = {}
    found: list = rebuilt if rebuilt is not None else []
    args = [_rebuild(interpreter, value, found) for value in site.args]
    given = {name: _rebuild(interpreter, value, found) for name, value in site.kwargs}
    # every parameter by name, so that the run binds the site's values and the defaults it relies on
    if not interpreter.bind_call(init, local, [UNKNOWN, *args], given):
        return None  # arguments that do not fit: the call raises, or its meaning is not known
    declared = list(positional_parameters(init)[1:])
    declared += list(zip(init.args.kwonlyargs, init.args.kw_defaults, strict=True))
    for param, default in declared:
        if isinstance(local.get(param.arg), Foreign):  # another file's own symbol: a symbol here
            local[param.arg] = interpreter.parameter_symbol(param.arg, param, default)
    parameters = [param.arg for param, _ in positional_parameters(init)[1:]] + [p.arg for p in init.args.kwonlyargs]
    kwargs = {name: local[name] for name in parameters if name in local}
    if not kwargs:
        return None
    passed = set(parameters[:len(site.args)]) | {name for name, _ in site.kwargs}
    origins = _argument_origins(site, parameters)
    bindings = tuple((name, value, origins.get(name, "passed") if name in passed else "default")
                     for name, value in kwargs.items())
    # a site seen in another site's run is under that run too: `(as built at line 840, train.py:243)`
    built = frozenset({(Built(info.name, site.node.lineno, site.file), True)}) | site.within
    scope = _analyse_class(info, imports, constants, classes, registry, kwargs=kwargs, guard=built, outside=outside)
    scope.configuration, scope.guard = Configuration(site, bindings), built
    return scope


def _rebuild(interpreter: Interpreter, value: Value, rebuilt: list) -> Value:
    """A site's ``Instance`` built again in this file: its class's ``__init__`` run on its carried
    arguments (their own instances first); a class this file cannot find is unknown."""
    if isinstance(value, Alt):
        return alternatives((guard, _rebuild(interpreter, case, rebuilt)) for guard, case in value.cases)
    if not isinstance(value, Instance):
        return value
    info = interpreter.classes.get(value.class_key) if ":" not in value.class_key \
        else interpreter.registry.get(value.class_key)
    if info is None:
        return UNKNOWN
    if info.context is not None and all(info is not known for known in rebuilt):
        rebuilt.append(info)
    args = [_rebuild(interpreter, item, rebuilt) for item in value.args]
    kwargs = {name: _rebuild(interpreter, item, rebuilt) for name, item in value.kwargs}
    return interpreter.construct_in_file(info.name, value.node, args, kwargs, info=info)


def _argument_origins(site: Site, parameters: list) -> dict:
    """Where a site's argument comes from when it reads an argparse option (``args.emb_dim``):
    parameter -> ``"argparse default, line N"`` (``train.py:N`` for a site in another file)."""
    place = f"{site.file}:" if site.file else "line "
    names = dict(enumerate(parameters))
    return {names.get(key, key): f"argparse default, {place}{line}" for key, line in site.read_defaults
            if not isinstance(key, int) or key in names}


def _analyse_class(info: ClassInfo, imports: ImportTable, constants: dict, classes: dict,
                   registry: dict | None = None, kwargs: dict | None = None,
                   guard: frozenset = frozenset(), entries: bool = True,
                   outside: frozenset = frozenset()) -> ScopeFacts:
    """The class's run: ``__init__`` on symbols (or on one site's ``kwargs``, under ``guard``),
    then ``forward``, then (``entries``) each method its callers outside the class run (``outside``:
    the method names the file calls on something other than ``self``, private ones included)."""
    interpreter = Interpreter(imports, constants, classes, info, registry=registry)
    state: dict = {}
    interpreter.guard = guard
    interpreter.run_method("__init__", state, kwargs=kwargs)
    attributes = {key[len("self."):]: value for key, value in state.items() if key.startswith("self.")}
    constructed = interpreter.assumptions | guard  # what `__init__` asserted; not what forward asserts
    forward, owner = interpreter.find_method("forward", info)
    if forward is not None:
        assumed = interpreter.assumptions | guard  # what __init__ asserted holds for forward
        args = interpreter.forward_arguments(forward)
        recorded = len(interpreter.events)
        interpreter.call_bound(forward, dict(state), args, owner, guard=assumed, record_shapes=True)
        _run_with_initial_state(interpreter, info, state, forward, owner, args, interpreter.events[recorded:], assumed)
    for method in _loader_loops(info, imports):
        # a loop over a data loader `__init__` keeps on `self`: its batches reach the model
        _, owner = interpreter.find_method(method.name, info)
        interpreter.call_bound(method, dict(state), interpreter.forward_arguments(method), owner,
                               guard=interpreter.assumptions | guard)
    first_entry_event = len(interpreter.events)
    for method in entry_methods(info, interpreter.reached, outside) if entries else ():
        # `model.inference()`, `model.init_hidden(batch)`: called from outside, after `__init__`
        if method in interpreter.reached:
            continue  # an earlier entry ran it on the arguments it passes
        args, given = interpreter.entry_arguments(method)
        interpreter.call_entry(method, dict(state), args, given, info, guard=constructed)
    return ScopeFacts(
        name=info.name, kind="class", node=info.node, layers=interpreter.layers, attributes=attributes,
        events=interpreter.events, shape_notes=interpreter.shape_notes, aliases=interpreter.aliases,
        bound_names=interpreter.bound_names, head_calls=interpreter.head_calls,
        parameter_defaults=interpreter.parameter_defaults,
        entry_events=frozenset(id(event) for event in interpreter.events[first_entry_event:]),
    )


def _analyse_driver(info: ClassInfo, imports: ImportTable, constants: dict, classes: dict,
                    registry: dict) -> ScopeFacts:
    """A plain class of another file that builds the checked file's classes (a trainer whose
    ``setup`` sets ``self.model = Model(...)`` and whose ``train_one_batch`` calls it): ``__init__``,
    then its other methods in the order written, on arguments nobody binds. An attribute the
    class sets in one place only is, wherever a later method reads it without failing, what
    that place set. The facts of a method that neither trains nor is given a batch by name
    count as an entry method's (it may be given one sample)."""
    interpreter = Interpreter(imports, constants, classes, info, registry=registry)
    state: dict = {}
    interpreter.run_method("__init__", state)
    once = _set_once(info.node)
    entry: set = set()
    for method in info.node.body:
        if not isinstance(method, ast.FunctionDef) or method.name.startswith("__") or not _runs_on_instance(method):
            continue
        local = dict(state)
        recorded = len(interpreter.events)
        args, given = interpreter.entry_arguments(method)
        interpreter.call_entry(method, local, args, given, info, guard=frozenset())
        words = [method.name.lower()] + [arg.arg.lower() for arg in method.args.args]
        if not any("train" in word or "batch" in word for word in words):
            entry.update(id(event) for event in interpreter.events[recorded:])
        for key, value in local.items():
            if key.startswith("self.") and key[len("self."):] in once and key not in state:
                state[key] = value
    return ScopeFacts(name=info.name, kind="class", node=info.node, layers=interpreter.layers,
                      events=interpreter.events, aliases=interpreter.aliases, bound_names=interpreter.bound_names,
                      head_calls=interpreter.head_calls, entry_events=frozenset(entry))


def _set_once(definition: ast.ClassDef) -> set:
    """The attributes the class's methods assign in exactly one place (``self.model = ...``),
    with nothing assigned into them (``self.model.encoder = ...``) and no ``setattr``."""
    counts: dict = {}
    spoilt: set = set()
    for node in walk(definition):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            return set()
        if not isinstance(node, (ast.Attribute, ast.Subscript)) or not isinstance(node.ctx, (ast.Store, ast.Del)):
            continue
        chain: ast.expr = node
        while isinstance(chain, (ast.Attribute, ast.Subscript)) and not (
                isinstance(chain, ast.Attribute) and isinstance(chain.value, ast.Name) and chain.value.id == "self"):
            chain = chain.value
        if not isinstance(chain, ast.Attribute) or not isinstance(chain.value, ast.Name):
            continue
        if chain is node and isinstance(node.ctx, ast.Store):
            counts[chain.attr] = counts.get(chain.attr, 0) + 1
        else:
            spoilt.add(chain.attr)
    return {name for name, count in counts.items() if count == 1 and name not in spoilt}


def _loader_loops(info: ClassInfo, imports: ImportTable) -> list:
    """The methods of the class (other than ``__init__`` and ``forward``) that iterate an
    attribute its own ``__init__`` sets to a ``DataLoader(...)`` or a torchtext iterator
    (``for batch in self.loader``, ``enumerate(self.loader)``, ``next(iter(self.loader))``; also
    ``self.train_iter, self.test_iter = BucketIterator.splits(...)``): run after ``__init__``,
    they hand the loader's batches to the model."""
    init = info.methods.get("__init__")
    if init is None:
        return []
    loaders = {target.attr for statement in walk(init) if isinstance(statement, ast.Assign)
               and _makes_loader(statement.value, imports)
               for assigned in statement.targets
               for target in (assigned.elts if isinstance(assigned, (ast.Tuple, ast.List)) else (assigned,))
               if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
               and target.value.id == "self"}
    if not loaders:
        return []

    def reads_loader(node: ast.AST) -> bool:
        return any(isinstance(child, ast.Attribute) and child.attr in loaders and isinstance(child.value, ast.Name)
                   and child.value.id == "self" for child in walk(node))

    found = []
    for name, method in info.methods.items():
        if name in ("__init__", "forward") or method.decorator_list:
            continue
        for node in walk(method):
            iterated = node.iter if isinstance(node, ast.For) else node.args[0] if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "iter"
                and node.args) else None
            if iterated is not None and reads_loader(iterated):
                found.append(method)
                break
    return found


def _makes_loader(value: ast.expr, imports: ImportTable) -> bool:
    """``DataLoader(...)``, or a torchtext ``Iterator`` / ``BucketIterator`` (``.splits`` too)."""
    if not isinstance(value, ast.Call):
        return False
    qualified = imports.resolve(value.func)
    if qualified in DATA_LOADERS:
        return True
    name = torchtext_name(qualified) if qualified is not None else None
    return name is not None and name.removesuffix(".splits") in TORCHTEXT_ITERATORS


# decorators under which a method is no plain method of the instance
NOT_ENTRY_DECORATORS = {"staticmethod", "classmethod", "setter", "deleter", "overload", "abstractmethod"}


def _runs_on_instance(method: ast.FunctionDef) -> bool:
    """Whether a method is a plain method of the instance: no decorator of ``NOT_ENTRY_DECORATORS``."""
    return not any((dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator) or "")
                   .rsplit(".", 1)[-1] in NOT_ENTRY_DECORATORS for decorator in method.decorator_list)


def entry_methods(info: ClassInfo, reached: set, outside: frozenset = frozenset()) -> list:
    """The methods of the class that callers outside it run after ``__init__``: its public
    methods (also those of its bases in the same file), and the private ones named in
    ``outside``, that the runs so far did not reach; no ``__init__``, ``forward``, dunder, static
    or class method. Methods that others of them call come last, so that they run on the
    arguments their caller passes."""
    found: dict = {}
    seen: set = {"forward"}
    for current in method_order(info):
        if current.context is not None:
            continue  # another file's class: its findings are not this file's
        for name, method in current.methods.items():
            if name in seen:
                continue  # overridden: the subclass's method is the one called
            seen.add(name)
            private = name.startswith("_") and (name.startswith("__") or name not in outside)
            if private or method in reached or not _runs_on_instance(method):
                continue
            found[name] = method
    called = {node.func.attr for method in found.values() for node in walk(method)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"}
    return sorted(found.values(), key=lambda method: method.name in called)


def _called_outside_classes(source: str) -> frozenset:
    """The private method names the file's text calls on something other than ``self``
    (``model._sample(logits)`` in its script part, ``self.encoder._encode(x)`` in another class);
    read from the text: a name in a comment or string only adds a method to run."""
    return frozenset(_PRIVATE_CALL.findall(source))


_PRIVATE_CALL = re.compile(r"(?<!\bself)\.(_[A-Za-z0-9]\w*)\s*\(")


# methods that build an RNN's initial state for the caller: `hidden = model.init_hidden(batch)`
STATE_INITIALISERS = {
    "inithidden", "initstate", "initstates", "initialstate", "initialhidden", "inithiddenstate",
    "initialhiddenstate", "zerostate", "zerohidden", "beginstate", "getinitialstate", "initializehidden",
    "initialisehidden", "resethidden", "resetstate",
}


def _run_with_initial_state(interpreter: Interpreter, info: ClassInfo, state: dict, forward: ast.FunctionDef,
                            owner: ClassInfo | None, args: list, events: list, assumed: frozenset) -> None:
    """A class whose forward passes a state parameter straight to one RNN, and that offers one
    method building that state: forward runs again on the method's result, as its callers do."""
    fed = {index for event in events if isinstance(event, RnnCall) and event.hx is not None
           for index, arg in enumerate(args)
           for _, case in cases(event.hx) if isinstance(case, Tensor) and case.key is not None
           and any(case == param for _, param in cases(arg))}
    builders = {name for current in method_order(info) for name in current.methods
                if name.lower().replace("_", "") in STATE_INITIALISERS}
    if len(fed) != 1 or len(builders) != 1:
        return
    name = builders.pop()
    method, method_owner = interpreter.find_method(name, info)
    if method is None or method is forward:
        return
    built = interpreter.call_bound(method, dict(state), [], method_owner, guard=assumed)
    if not any(isinstance(case, (Tensor, TupleValue)) for _, case in cases(built)):
        return
    index = fed.pop()
    linked = args[:index] + [built] + args[index + 1:]
    parameter, default = positional_parameters(forward)[1:][index]
    guard = assumed
    if isinstance(default, ast.Constant) and default.value is None:
        # this run is the one where the caller passes the state: `state is None` is false in it
        guard = assumed | {(Omitted(parameter.arg), False)}
    interpreter.call_bound(forward, dict(state), linked, owner, guard=guard)




def _analyse_function(function: ast.FunctionDef, imports: ImportTable, constants: dict, classes: dict,
                      registry: dict | None = None) -> ScopeFacts:
    interpreter = Interpreter(imports, constants, classes, None, registry=registry)
    given = {}
    fixtures = getattr(constants, "fixtures", {})
    if fixtures and function.name.startswith("test"):
        # a test's parameter named after a fixture of its module is what the fixture returns
        chosen = _parametrized_names(function)
        for parameter in function.args.args:
            fixture = fixtures.get(parameter.arg)
            if fixture is not None and parameter.arg not in chosen:
                runner = Interpreter(imports, constants, classes, None, registry=registry)
                given[parameter.arg] = runner.call_function(fixture, {}, [], {}, bound_self=False)
    interpreter.call_function(function, {}, [], given, bound_self=False)
    return ScopeFacts(name=function.name, kind="function", node=function, layers=interpreter.layers,
                      events=interpreter.events, aliases=interpreter.aliases, bound_names=interpreter.bound_names,
                      head_calls=interpreter.head_calls, parameter_defaults=interpreter.parameter_defaults)


def pytest_fixtures(body: list, imports: ImportTable) -> dict:
    """``name -> definition`` of the module's ``@pytest.fixture`` functions whose value a test
    parameter of that name receives: one definition of the name, no ``params=`` (each test would
    get one of several values), no ``yield`` (a generator's value is what it yields), and, for a
    fixture shared beyond one test (``scope=``), no test of the module changes that value in
    place (``params["hidden"] = 2``, ``params.update(...)``): which test runs first decides."""
    counts: dict = {}
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[statement.name] = counts.get(statement.name, 0) + 1
    found = {}
    for statement in body:
        if not isinstance(statement, ast.FunctionDef) or counts[statement.name] != 1:
            continue
        for decorator in statement.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if imports.resolve(call.func if call else decorator) != "pytest.fixture":
                continue
            keywords = {keyword.arg for keyword in call.keywords} if call else set()
            if (call and call.args) or "params" in keywords or None in keywords \
                    or any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in walk(statement)):
                break
            if "scope" in keywords and _changed_in_place(body, statement.name):
                break
            found[statement.name] = statement
    return found


_CHANGING_METHODS = {"update", "pop", "popitem", "setdefault", "clear", "append", "extend", "insert",
                     "remove", "__setitem__", "__delitem__"}


def _changed_in_place(body: list, name: str) -> bool:
    for node in walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)) \
                and isinstance(node.value, ast.Name) and node.value.id == name:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _CHANGING_METHODS and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == name:
            return True
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
    return False


def _parametrized_names(function: ast.FunctionDef) -> set:
    """The parameter names a ``@pytest.mark.parametrize(...)`` of the test gives values (a
    parametrized name is not the fixture of that name), every name when it cannot be read."""
    names: set = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
                and decorator.func.attr == "parametrize":
            first = decorator.args[0] if decorator.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names |= {part.strip() for part in first.value.split(",")}
            elif isinstance(first, (ast.Tuple, ast.List)) and all(
                    isinstance(item, ast.Constant) and isinstance(item.value, str) for item in first.elts):
                names |= {item.value for item in first.elts if isinstance(item, ast.Constant)}
            else:
                return {argument.arg for argument in function.args.args}
    return names


def _analyse_module_level(module: ast.Module, body: list, imports: ImportTable, constants: dict,
                          classes: dict, registry: dict | None = None) -> tuple[ScopeFacts, set]:
    """The run of the file's top level, and the functions it called whole (``whole_calls``)."""
    interpreter = Interpreter(imports, constants, classes, None, registry=registry)
    statements = [s for s in body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    state: dict = {}
    with contextlib.suppress(PathEnds):
        interpreter.exec_block(statements, state)
    return ScopeFacts(name="<module>", kind="module", node=module, layers=interpreter.layers,
                      events=interpreter.events, aliases=interpreter.aliases, bound_names=interpreter.bound_names,
                      head_calls=interpreter.head_calls), interpreter.whole_calls
