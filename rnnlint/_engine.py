"""The only caller of rules: prefilter, parse, analyse, run, suppress, fix.

A file is parsed once, with Python's own parser, and only when the text prefilter says it can
matter; character positions are computed only for the nodes a finding reports.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ._config import Config
from ._finding import Edit, Finding, Fix
from ._pytorch import RECURRENT_KINDS
from ._source import walk

# The analysis only knows recurrent modules reached through torch.nn: `<alias>.LSTM` or a name
# imported from a torch module. A file with neither cannot produce a finding.
_RECURRENT_NAMES = RECURRENT_KINDS
# the shortest spellings, for the plain substring tests: every kind contains one (`LSTMCell`: `LSTM`)
_RECURRENT_STEMS = tuple(kind for kind in RECURRENT_KINDS
                         if not any(other != kind and other in kind for other in RECURRENT_KINDS))
_KIND = "(?:" + "|".join(sorted(RECURRENT_KINDS, key=len, reverse=True)) + ")"
_RECURRENT_WORD = re.compile(rf"\b{_KIND}\b")
_RECURRENT_ATTRIBUTE = re.compile(rf"\.\s*{_KIND}\b")
_RECURRENT_IMPORT = re.compile(
    rf"^[ \t]*from[ \t]+torch(?:\.[\w.]+)?[ \t]+import[ \t]+(?:\([^)]*|[^\n]*)\b{_KIND}\b", re.MULTILINE
)
# `getattr(nn, rnn_type)`: a recurrent class the file may name only in strings ("LSTM")
_RECURRENT_GETATTR = re.compile(r"\bgetattr\(\s*(?:torch\.)?nn\s*,")
_GETATTR_NN_ARGUMENTS = re.compile(r"\s*(?:torch\.)?nn\s*,")  # what follows `getattr(` there
_WORD_CHARACTER = re.compile(r"\w")
# keywords only a recurrent layer takes (`_pytorch.singles_out_recurrent`): a `getattr(nn, name)`
# called with one builds an RNN, LSTM or GRU that the file may not name at all
_RECURRENT_KEYWORD = re.compile(r"\b(?:num_layers|bidirectional|proj_size)\s*=")
PARSE_ERROR_CODE = "RNN000"
MAX_FIX_PASSES = 10


@dataclass
class FileResult:
    """Findings of one file, and the fixed source when fixes were applied."""

    path: str
    findings: list = field(default_factory=list)
    fixed_source: str | None = None
    warnings: list = field(default_factory=list)
    # why the file was not fully checked (an internal error, nesting too deep): its findings
    # may be incomplete, so the run is incomplete too
    errors: list = field(default_factory=list)
    fixed: list = field(default_factory=list)  # the findings the fixes in fixed_source resolve
    # the project files whose summaries the analysis read: {path: digest}
    depends: dict = field(default_factory=dict)
    # what the search for construction sites in other files found (``Project.site_record``)
    site_search: dict | None = None


def internal_error(path: str, stage: str, error: BaseException) -> str:
    """The one line that reports an internal error: the file, the stage, and a request."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__
    return (f"{path}: internal error in {stage} ({detail}); the file was not fully checked, "
            f"please report this to rnnlint with the file if you can")


def needs_analysis(source: str) -> bool:
    """The cheap prefilter: can this file matter at all? (A test proves it loses no finding.)"""
    # plain substring tests first: ten times faster than any regex on the files that do not matter
    for stem in _RECURRENT_STEMS:
        if stem in source:
            break
    else:
        return _named_by_getattr(source)
    if not names_recurrent_kind(source):
        return _named_by_getattr(source)
    return _RECURRENT_ATTRIBUTE.search(source) is not None or _RECURRENT_IMPORT.search(source) is not None \
        or getattr_of_nn(source)


def _named_by_getattr(source: str) -> bool:
    return getattr_of_nn(source) and _RECURRENT_KEYWORD.search(source) is not None


def names_recurrent_kind(text: str) -> bool:
    """Whether ``_RECURRENT_WORD`` matches in ``text`` (a recurrent kind as a whole word)."""
    return next(_kind_mentions(text), None) is not None


def _kind_mentions(text: str) -> Iterator[tuple[int, int]]:
    """``(start, length)`` of each recurrent kind named as a whole word in ``text``, found from
    each occurrence of a kind a substring search meets: the pattern's own search tries every
    position, ten times slower on the files that name `RNNT` or `GRUB` a thousand times."""
    for kind in RECURRENT_KINDS:
        start = text.find(kind)
        while start != -1:
            if (start == 0 or _WORD_CHARACTER.match(text, start - 1) is None) \
                    and _WORD_CHARACTER.match(text, start + len(kind)) is None:
                yield start, len(kind)
            start = text.find(kind, start + 1)


def names_recurrent_kind_to_build(text: str) -> bool:
    """Whether ``text`` names a recurrent kind (``names_recurrent_kind``) other than where the
    name builds nothing: inside an ``isinstance(...)`` or ``issubclass(...)`` test opened earlier
    on the same line (``isinstance(value, (torch.nn.RNN, torch.nn.LSTM))``), in a comment, or
    in a string of other words (``"Dynamo does not support RNN, GRU, or LSTM"``; a string that
    is the name alone, ``"LSTM"``, may be a factory's argument and counts). Read line by line, so
    a test or a string spread over several lines counts as naming one: the answer may be too
    large, never too small."""
    return any(_may_build_there(text, start, length) for start, length in _kind_mentions(text))


def _may_build_there(text: str, start: int, length: int) -> bool:
    line = text[text.rfind("\n", 0, start) + 1:start]
    before, after = text[start - 1:start], text[start + length:start + length + 1]
    if before in ("'", '"') and after == before:
        return True  # the name alone, quoted
    if line.count('"') % 2 or line.count("'") % 2:
        return False  # inside a string
    if "#" in line:
        return False  # in a comment
    test = max(line.rfind("isinstance("), line.rfind("issubclass("))
    return test == -1 or line.count("(", test) <= line.count(")", test)


def getattr_of_nn(text: str) -> bool:
    """Whether ``_RECURRENT_GETATTR`` matches in ``text`` (`getattr(nn, ...)`), found from each
    `getattr(` a substring search meets: the pattern's own search tries every position of the
    text, ten times slower on the many files that call ``getattr`` on other things."""
    start = text.find("getattr(")
    while start != -1:
        if (start == 0 or _WORD_CHARACTER.match(text, start - 1) is None) \
                and _GETATTR_NN_ARGUMENTS.match(text, start + len("getattr(")) is not None:
            return True
        start = text.find("getattr(", start + 1)
    return False


def lint_source(source: str, path: str = "<string>", config: Config | None = None) -> list[Finding]:
    """Lint one file's text; never raises for bad input.

    >>> lint_source("import torch.nn as nn\\nrnn = nn.LSTM(8, 16, num_layers=0)\\n")[0].code
    'RNN011'
    """
    result = check_source(source, path, config or Config())
    _warn_incomplete(result.errors)
    return result.findings


def _warn_incomplete(errors: list) -> None:
    """An internal error is never silent, through the API either: one RuntimeWarning each."""
    if errors:
        import warnings

        for error in errors:
            warnings.warn(f"rnnlint: {error}", RuntimeWarning, stacklevel=3)


# Python's parser needs about twice the memory of the tree it returns, for the whole file at
# once: a larger file is parsed one group of top-level statements at a time.
CHUNK_BYTES = 500_000
_TOP_LEVEL_START = re.compile(r"^(?:@|class\b|def\b|async[ \t]+def\b)", re.MULTILINE)


def parse_source(source: str, path: str):
    """The syntax tree of ``source``, or the RNN000 finding that says why Python cannot read it."""
    import ast

    try:
        if len(source) > CHUNK_BYTES:
            chunked = _parse_in_chunks(source, path)
            if chunked is not None:
                return chunked
        return ast.parse(source, filename=path)
    except SyntaxError as error:
        row = error.lineno or 1
        column = max((error.offset or 1) - 1, 0)
        return Finding(path, row, column, PARSE_ERROR_CODE, syntax_error_message(source, error), name="syntax-error")
    except (MemoryError, RecursionError):  # Python's parser gives up on absurd nesting
        return Finding(path, 1, 0, PARSE_ERROR_CODE, "cannot parse file: nesting too deep for Python's parser",
                       name="syntax-error")
    except ValueError as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        return Finding(path, 1, 0, PARSE_ERROR_CODE, f"cannot parse file: {message}", name="syntax-error")


def syntax_error_message(source: str, error: SyntaxError) -> str:
    """What RNN000 says of a syntax error: the newer Python a construct needs, when that is why."""
    from ._newer_syntax import newer_syntax

    return newer_syntax(source, error) or f"syntax error: {error.msg}"


def _parse_in_chunks(source: str, path: str):
    """The tree of a large file, built from groups of top-level statements parsed one after the
    other, or None when a group does not parse on its own (the whole file is then parsed at
    once). A group starts at a column-0 ``class``, ``def`` or decorator line: such a line inside
    a string or brackets leaves a group that does not parse, so a wrong cut cannot go unseen."""
    import ast

    if source.count("\r") != source.count("\r\n"):
        return None  # lone carriage returns end rows too: the row count below would drift
    starts = [0]
    for match in _TOP_LEVEL_START.finditer(source):
        if match.start() - starts[-1] >= CHUNK_BYTES and not _after_decorator(source, match.start()):
            starts.append(match.start())
    if len(starts) == 1:
        return None
    starts.append(len(source))
    body: list = []
    rows_before = 0
    for start, end in itertools.pairwise(starts):
        text = source[start:end]
        try:
            # blank lines in front keep every row where it is in the file, at no cost
            part = ast.parse("\n" * rows_before + text, filename=path)
        except SyntaxError:
            return None
        body.extend(part.body)
        rows_before += text.count("\n")
    return ast.Module(body=body, type_ignores=[])


def _after_decorator(source: str, offset: int) -> bool:
    """Whether the last non-blank line before ``offset`` is a decorator (or inside one)."""
    before = source[max(0, offset - 2000):offset].rstrip()
    line_start = before.rfind("\n") + 1
    return before[line_start:].lstrip().startswith("@") or before.endswith((",", "(", "\\"))


def _project_names(tree, path: str, project) -> set:
    """The names a file imports from project modules that build recurrent layers: using one may
    build a recurrent layer, as using ``nn.LSTM`` does."""
    if project is None:
        return set()
    from pathlib import Path

    return project.recurrent_names(Path(path), tree.body)


def selected_body(tree, source: str, project_names: set | None = None) -> list | None:
    """The top-level statements the analysis needs to read: None when no recurrent class is
    used as a value anywhere (only such a use can build a module the analysis knows), else
    every statement but the functions and classes that neither use one nor are used by (or
    use) one that does."""
    import ast

    names = set(_RECURRENT_NAMES) | (project_names or set())
    for node in tree.body:  # `from torch.nn import LSTM as L` binds `L`
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names if alias.name in _RECURRENT_NAMES)
    from ._source import split_rows

    lines = split_rows(source)
    # the words of each top-level statement: a superset of the names it uses (strings and
    # comments add words), so the selection can only keep too much, never too little
    words = {id(node): set(_WORD.findall("".join(lines[_first_row(node) - 1:node.end_lineno])))
             for node in tree.body}
    # only the statements that mention a recurrent name need a walk of their tree
    # `getattr(nn, rnn_type)` builds a recurrent class the file names only in strings
    uses = {id(node): _recurrent_uses(node, names) for node in tree.body
            if words[id(node)] & names or "getattr" in words[id(node)]}
    if not any(as_value for _, as_value in uses.values()):
        return None
    definitions = [node for node in tree.body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    # `eval(self.encoder_type)(config)` may name any class of the file (`model.eval()` names none)
    class_names = {node.name for node in definitions if isinstance(node, ast.ClassDef)}
    for node in tree.body:
        if "eval" in words[id(node)] and _CALLS_EVAL.search("".join(lines[_first_row(node) - 1:node.end_lineno])):
            words[id(node)] |= class_names
    for node in definitions:
        words[id(node)].discard(node.name)
    # a class wiring modules it is given (`self.encoder = encoder`, then `self.encoder(src)` in
    # forward) runs the recurrent modules another file's construction passes it
    seeds = [node for node in definitions if uses.get(id(node), (False, False))[0] or _wires_given_modules(node)]
    # a module-level name bound to a recurrent class, a factory lambda or a registry dict
    # (`RNNS = {"lstm": nn.LSTM}`): the definitions that read it use a recurrent class too
    defined = {id(node) for node in definitions}
    bound = {target.id for node in tree.body if id(node) not in defined and uses.get(id(node), (False, False))[1]
             for target in walk(node) if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store)}
    # a module-level statement runs, so one naming a kept definition wires in what else it names
    # (`model = Seq2Seq(Encoder(), Reducer())`: the classes its instances' forwards call)
    wiring = [(words[id(node)], {target.id for target in walk(node)
                                 if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store)})
              for node in tree.body if id(node) not in defined]
    kept = _closure(seeds, definitions, words, bound, wiring)
    return [node for node in tree.body if id(node) not in defined or id(node) in kept]


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALLS_EVAL = re.compile(r"(?<![\w.])eval\s*\(")


def _first_row(node) -> int:
    """The first row of a top-level statement, decorators included."""
    return min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])


def _closure(start: list, definitions: list, used: dict, names: set, wiring: tuple | list = ()) -> set:
    """``start`` with what it names (bases, submodules, helpers) and what names it (builders,
    and the readers of ``names``); a statement of ``wiring`` (the words of each, and the names it
    binds) that names a kept definition, or a name such a statement binds, adds what else it names."""
    kept = {id(node) for node in start}
    changed = True
    while changed:
        kept_names = {node.name for node in definitions if id(node) in kept} | names
        # `enc = Encoder()`, `red = Reducer()`, then `model = Model(enc, red)`: the statements that
        # name a kept definition, what they bind, and what binds the names they read
        active: set = set()
        grown = True
        while grown:
            read = set().union(*(wiring[index][0] for index in active))
            live = kept_names | set().union(*(wiring[index][1] for index in active))
            found = {index for index, (statement, binds) in enumerate(wiring)
                     if statement & live or binds & read}
            grown = found != active
            active = found
        kept_names = kept_names | set().union(*(wiring[index][1] for index in active))
        wired = set().union(*(wiring[index][0] for index in active))
        kept_uses = set().union(*(used[id(node)] for node in definitions if id(node) in kept), wired)
        changed = False
        for node in definitions:
            if id(node) not in kept and (node.name in kept_uses or used[id(node)] & kept_names):
                kept.add(id(node))
                changed = True
    return kept


def _wires_given_modules(node) -> bool:
    """Whether a class stores a constructor parameter as an attribute (``self.encoder =
    encoder``, ``= encoder.to(device)``) and its ``forward`` calls that attribute or a method of
    it."""
    import ast

    if not isinstance(node, ast.ClassDef):
        return False
    methods = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
    init, forward = methods.get("__init__"), methods.get("forward")
    if init is None or forward is None:
        return False
    parameters = {argument.arg for argument in [*init.args.args[1:], *init.args.kwonlyargs]}
    stored = set()
    for statement in walk(init):
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            continue
        target, value = statement.targets[0], statement.value
        while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            value = value.func.value  # `encoder.to(device)`, `decoder.cuda()`
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self" \
                and isinstance(value, ast.Name) and value.id in parameters:
            stored.add(target.attr)
    for call in walk(forward):
        if not isinstance(call, ast.Call):
            continue
        callee = call.func.value if isinstance(call.func, ast.Attribute) \
            and isinstance(call.func.value, ast.Attribute) else call.func
        if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and callee.value.id == "self" \
                and callee.attr in stored:
            return True
    return False


def _recurrent_uses(top, names: set) -> tuple[bool, bool]:
    """Whether code in ``top`` (not a string, not a comment) names a recurrent class, and
    whether it uses one as a value: anywhere but in an ``isinstance``/``issubclass`` test or a
    comparison, which build nothing."""
    import ast

    recurrent = set(_RECURRENT_NAMES)
    named = False
    stack = [(top, False)]
    while stack:
        node, tested = stack.pop()
        if isinstance(node, ast.Name):
            if node.id in names:
                named = True
                if not tested:
                    return True, True
            continue
        if isinstance(node, ast.Attribute):
            if node.attr in recurrent:
                named = True
                if not tested:
                    return True, True
        elif isinstance(node, ast.ImportFrom) and node is not top:
            # an import inside a function binds its own alias (a top-level one binds a name that
            # ``names`` holds: only a use of it builds anything, and a package's `__init__.py`
            # that re-exports `LSTM` builds nothing)
            if {alias.name for alias in node.names} & recurrent:
                return True, True
        elif isinstance(node, ast.Compare):
            tested = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("isinstance", "issubclass") and len(node.args) == 2:
            stack.append((node.args[1], True))
            stack.extend((child, tested) for child in ast.iter_child_nodes(node) if child is not node.args[1])
            continue
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and node.args and isinstance(node.args[0], (ast.Name, ast.Attribute)) \
                and (node.args[0].id if isinstance(node.args[0], ast.Name) else node.args[0].attr) == "nn":
            return True, True
        elif isinstance(node, ast.Constant):
            continue
        stack.extend((child, tested) for child in ast.iter_child_nodes(node))
    return named, False


def check_source(source: str, path: str, config: Config, fix: bool = False, unsafe_fixes: bool = False,
                 prefilter: bool = True, tree=None, project=None) -> FileResult:
    """Lint one file: parse it once with Python's parser, analyse what can matter, run the rules.
    ``tree``: the file's ``ast`` tree when the caller has parsed it already (flake8 has);
    ``project``: the ``Project`` the file's imports are resolved in (None: the file alone)."""
    result = FileResult(path)
    if prefilter and not needs_analysis(source) \
            and not (project is not None and project.imports_recurrent(path, source)):
        return result
    if tree is None:
        tree = parse_source(source, path)
    if isinstance(tree, Finding):
        result.findings.append(tree)
        return result
    body = selected_body(tree, source, _project_names(tree, path, project)) if prefilter else tree.body
    if body is None:
        return result
    findings = _findings_for(tree, body, source, path, config, result, project)
    if not fix:
        result.findings = findings
        return result
    try:
        findings = _fixed(tree, body, source, path, config, result, findings, unsafe_fixes, project)
    except Exception as error:  # noqa: BLE001 - the file stays as it is
        result.errors.append(internal_error(path, "the fixes", error))
        result.fixed_source = None
    result.errors = list(dict.fromkeys(result.errors))  # each pass may meet the same error
    result.findings = findings
    return result


def _fixed(tree, body: list, source: str, path: str, config: Config, result: FileResult, findings: list,
           unsafe_fixes: bool, project=None) -> list[Finding]:
    """Apply fixes until none applies; sets ``result.fixed_source``, returns the findings left."""
    current_source = source
    first = findings
    for _ in range(MAX_FIX_PASSES):
        applicable = [f for f in findings if f.fix is not None and (f.fix.safe or unsafe_fixes)]
        if not applicable:
            break
        new_source = apply_edits(current_source, applicable)
        if new_source == current_source:
            break
        new_tree = parse_source(new_source, path)
        if isinstance(new_tree, Finding):
            result.warnings.append(f"{path}: a fix produced code that does not parse; fixes not applied")
            current_source = source
            findings = _findings_for(tree, body, source, path, config, result, project)
            break
        current_source = new_source
        # the whole fixed file is analysed again: a fix may bring new code into play
        findings = _findings_for(new_tree, new_tree.body, new_source, path, config, result, project)
    if current_source != source:
        result.fixed_source = current_source
        # a fix whose finding comes back (another of the same code) still counts as one made
        result.fixed = _resolved(first, findings) or [
            finding for finding in first if finding.fix is not None and (finding.fix.safe or unsafe_fixes)]
    return findings


def _resolved(before: list, after: list) -> list:
    """The findings of ``before`` that fixing left out of ``after``, code by code (a fix moves
    the findings after it, so positions cannot pair them)."""
    from collections import Counter

    left = Counter(finding.code for finding in after)
    resolved = []
    # the findings without a fix are the ones left first
    for finding in sorted(before, key=lambda finding: finding.fix is not None):
        if left[finding.code]:
            left[finding.code] -= 1
        else:
            resolved.append(finding)
    return resolved


def _findings_for(tree, body: list, source: str, path: str, config: Config, result: FileResult,
                  project=None) -> list[Finding]:
    from ._analysis import analyse

    try:
        facts = analyse(tree, source, body, project=project, path=path)
        result.depends = facts.depends
        result.site_search = facts.site_search
    except RecursionError:
        result.errors.append(f"{path}: could not be analysed: nesting too deep")
        return []
    except Exception as error:  # noqa: BLE001 - one file's analysis gap must not stop the run
        result.errors.append(internal_error(path, "the analysis", error))
        return []
    reports = _rule_reports(facts, path, config, result.errors)
    closed = facts.closed_view()
    if closed is not None:
        errors: list = []
        reports = _confirmed(reports, _rule_reports(closed, path, config, errors), facts.lines)
        result.errors.extend(error for error in errors if error not in result.errors)
    from ._noqa import Suppressions

    suppressions = Suppressions(facts.lines.lines)
    try:
        findings = _reported(reports, facts, path, suppressions) if reports else []
    except Exception as error:  # noqa: BLE001
        result.errors.append(internal_error(path, "the findings", error))
        return []
    if not result.errors:  # a rule that failed may have had findings its noqa was for
        findings.extend(_suppression_findings(facts, path, config, suppressions, result))
        findings.sort()
    return findings


def _rule_reports(facts, path: str, config: Config, errors: list) -> list:
    """``(rule class, report)`` of every selected rule that judges the analysis's facts."""
    from .rules import ALL_RULES
    from .rules._base import RuleContext

    context = RuleContext(facts=facts)
    reports = []
    for rule_class in ALL_RULES:
        if rule_class.READS != "facts" or not config.is_selected(rule_class.CODE, path):
            continue
        rule = rule_class()
        try:
            for report in rule.check(context):
                reports.append((rule_class, report))
        except Exception as error:  # noqa: BLE001 - an analysis gap must not cost the other rules
            errors.append(internal_error(path, f"rule {rule_class.CODE}", error))
    return reports


def _confirmed(reports: list, closed: list, lines) -> list:
    """The reports of every run that the closed view (``FileFacts.closed_view``: each class
    whose every site is in the file only as its sites build it) gives the same rule at the same
    place, then the closed view's others: a finding only a symbolic run of a closed class has is
    left out, one its sites confirm keeps the symbolic run's message and fix."""

    def place(rule_class, report) -> tuple:
        return rule_class.CODE, lines.characters(report.node)

    confirmed = {place(*item) for item in closed}
    kept = [item for item in reports if place(*item) in confirmed]
    seen = {place(*item) for item in kept}
    return kept + [item for item in closed if place(*item) not in seen]


def _suppression_findings(facts, path: str, config: Config, suppressions, result: FileResult) -> list[Finding]:
    """The findings of the rules that judge the ``# noqa`` comments, once the others have run."""
    from .rules import ALL_RULES
    from .rules._base import RuleContext

    readers = [rule for rule in ALL_RULES if rule.READS == "suppressions" and config.is_selected(rule.CODE, path)]
    if not readers:
        return []
    rules_run = frozenset(rule.CODE for rule in ALL_RULES
                          if rule.READS == "facts" and config.is_selected(rule.CODE, path))
    context = RuleContext(facts=facts, suppressions=suppressions.facts(rules_run, frozenset(r.CODE for r in ALL_RULES)))
    reports: list = []
    for rule_class in readers:
        try:
            reports.extend((rule_class, report) for report in rule_class().check(context))
        except Exception as error:  # noqa: BLE001 - an analysis gap must not cost the other rules
            result.errors.append(internal_error(path, f"rule {rule_class.CODE}", error))
    try:
        return _reported(reports, facts, path, suppressions, robust=False)
    except Exception as error:  # noqa: BLE001
        result.errors.append(internal_error(path, "the findings", error))
        return []


def _reported(reports: list, facts, path: str, suppressions, robust: bool = True) -> list[Finding]:
    """Findings from the rules' reports: unknown conditions dropped, positions, noqa, fixes."""
    if robust:
        reports = _joined_conditions(_robust_to_unknown_conditions(reports, facts), facts.lines)
    lines = facts.lines
    findings, seen = [], set()
    for rule_class, report in reports:
        if facts.is_foreign(report.node):
            continue  # another file's code, seen run with this file's values: not this file's finding
        position = lines.characters(report.node)
        if position is None:
            continue
        row, column, end_row, end_column = position
        if suppressions.suppresses(row, rule_class.CODE):
            continue
        # one finding per place and rule: an inlined submodule may see the same bug twice
        key = (row, column, rule_class.CODE)
        if key in seen:
            continue
        seen.add(key)
        findings.append(Finding(
            path=path, row=row, column=column, code=rule_class.CODE, message=rule_class.MESSAGE.format(**report.fields),
            name=rule_class.NAME, end_row=end_row, end_column=end_column,
            fix=None if any(facts.is_foreign(target) for target, _ in report.replacements)
            else _fix_for(rule_class, report, lines), help=report.help, configurations=_configurations(report, path),
        ))
    findings.sort()
    return findings


def _configurations(report, path: str) -> tuple:
    """The construction sites a finding holds under (``(path, row)`` each), from its guard."""
    from ._analysis import Built

    guard = report.guard | (report.event.guard if report.event is not None else frozenset())
    return tuple(sorted((_site_path(path, atom.file), atom.line) for atom, truth in guard
                        if isinstance(atom, Built) and truth))


def _site_path(path: str, file: str) -> str:
    """The path of a site's file: the finding's own, or another project file (``file`` is
    relative to the project root)."""
    if not file:
        return path
    from ._project import project_for

    project = project_for(path)
    return str(project.root / file) if project is not None else file


def _joined_conditions(reports: list, lines) -> list:
    """A finding one run reports at one place under several conditions, with the same message
    otherwise, states them joined (``rules._util.joined``): `` when `bidirectional` is true`` for
    one that holds whatever `num_layers`, instead of the first condition met. The first report at
    a place is still the one shown (the others there are left out after). Conditions with
    literals their text leaves out (a branch the analysis cannot evaluate) are left as they are."""
    from dataclasses import replace

    from .rules._util import Condition, joined

    groups: dict = {}
    for index, (rule_class, report) in enumerate(reports):
        condition = report.fields.get("condition")
        if not isinstance(condition, Condition) or condition.unstated:
            continue
        position = lines.characters(report.node)
        if position is None:
            continue
        rest = tuple(sorted((name, str(value)) for name, value in report.fields.items() if name != "condition"))
        groups.setdefault((rule_class.CODE, position, rest, condition.run), []).append(index)
    result = list(reports)
    for indexes in groups.values():
        conditions = [reports[index][1].fields["condition"] for index in indexes]
        if len({condition.stated for condition in conditions}) >= 2:
            rule_class, report = reports[indexes[0]]
            fields = {**report.fields, "condition": joined(conditions)}
            result[indexes[0]] = (rule_class, replace(report, fields=fields))
    return result


def _robust_to_unknown_conditions(reports: list, facts) -> list:
    """Drop a finding that holds only on one side of a condition the analysis cannot evaluate
    (or only where an optional argument is left out, under some configuration), when the same
    code on the other side was not flagged by the same rule: that side may be the only one that
    ever runs."""
    from ._analysis import Called
    from ._analysis._symbolic import merge_guards
    from .rules._util import set_aside

    def called(event) -> bool:
        return any(isinstance(atom, Called) for atom, _ in event.guard)

    runs: dict = {}  # every execution of a piece of code: (node, kind) -> events
    for _, event in facts.events:
        runs.setdefault((id(event.node), event.kind), []).append(event)
    flagged = {(rule_class.CODE, id(report.event)) for rule_class, report in reports if report.event is not None}
    kept = []
    for rule_class, report in reports:
        event = report.event
        aside = set_aside(event.guard) if event is not None else frozenset()
        if aside:
            free = event.guard - aside
            others = runs.get((id(event.node), event.kind), ())
            if not called(event):
                # a caller's run is one more execution only for its own findings: the file's
                # own runs are judged as they were without it
                others = [other for other in others if not called(other)]
            if any((rule_class.CODE, id(other)) not in flagged
                   and merge_guards(other.guard - set_aside(other.guard), free) is not None for other in others):
                continue
        kept.append((rule_class, report))
    return kept


def _fix_for(rule_class, report, lines) -> Fix | None:
    if not report.replacements or not rule_class.FIX_TITLE:
        return None
    edits = []
    for target, text in report.replacements:
        position = lines.characters(target)
        if position is None:
            return None
        edits.append(Edit(text, *position))
    return Fix(title=rule_class.FIX_TITLE.format(**report.fields), safe=report.fix_safe, edits=tuple(edits))


def apply_edits(source: str, findings: Iterable[Finding]) -> str:
    """Apply the edits of ``findings``; overlapping edits are left for the next pass."""
    from ._source import split_rows

    lines = split_rows(source)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(row: int, column: int) -> int:
        return offsets[row - 1] + column

    edits = []
    for finding in findings:
        assert finding.fix is not None  # only findings with a fix are applied
        for edit in finding.fix.edits:
            edits.append((offset(edit.row, edit.column), offset(edit.end_row, edit.end_column), edit.content))
    edits.sort()
    chosen, last_end = [], -1
    for start, end, content in edits:
        if start < last_end:
            continue  # overlaps an earlier edit: apply it on the next pass
        chosen.append((start, end, content))
        last_end = end
    for start, end, content in reversed(chosen):
        source = source[:start] + content + source[end:]
    return source
