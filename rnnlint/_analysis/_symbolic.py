"""Symbolic values: polynomial dimensions, booleans and guarded alternatives.

A value that depends on a flag (``2 if bidirectional else 1``) or on a branch is an ``Alt``:
a list of ``(guard, value)`` cases. Comparisons answer EQUAL, DIFFERENT or UNKNOWN.
"""

from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

# A guard is a conjunction of literals: (atom, truth) pairs.
EMPTY_GUARD: frozenset = frozenset()
OPAQUE_PREFIX = "~"  # size atoms whose value cannot be reasoned about (floor division, modulo, ...)
OPAQUE_CONDITION = "?"  # how an opaque condition reads: `?isinstance(h, tuple)`


class Atom(str):
    """A condition that a guard states true or false. An atom reads, compares and sorts as its
    text (what messages show), and its class says what kind of condition it is."""

    __slots__ = ()

    @property
    def text(self) -> str:
        return str.__str__(self)


class Flag(Atom):
    """A configuration value taken as a truth: `bidirectional`, `self.training`, `proj_size`
    (a size is true when positive)."""

    __slots__ = ()

    def __new__(cls, name: str) -> Flag:
        return super().__new__(cls, name)

    @property
    def name(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Flag({self.text!r})"


_INTEGER = re.compile(r"-?\d+")


class Relation(Atom):
    """A comparison the analysis cannot decide: `n_layers > 1`, `rnn_type == 'lstm'`,
    `mode in ('a', 'b')`. ``left`` and ``right`` are as the analysis describes them."""

    left: str
    operator: str
    right: str

    def __new__(cls, left: str, operator: str, right: str) -> Relation:
        atom = super().__new__(cls, f"{left} {operator} {right}")
        atom.left, atom.operator, atom.right = left, operator, right
        return atom

    def __reduce__(self) -> tuple:
        return Relation, (self.left, self.operator, self.right)

    def __repr__(self) -> str:
        return f"Relation({self.text!r})"

    @property
    def bound(self) -> tuple[str, str, int] | None:
        """``(symbol, operator, integer)`` when this relates one size symbol to an integer."""
        if self.operator not in _NEGATED or not _INTEGER.fullmatch(self.right) \
                or not self.left or self.left.startswith(OPAQUE_CONDITION) or any(c.isspace() for c in self.left):
            return None
        return self.left, self.operator, int(self.right)


class Omitted(Atom):
    """An optional argument of forward (`lengths=None`) left out by the caller: true where it
    is None. Callers may pass it exactly when the model is configured to need it."""

    parameter: str

    def __new__(cls, parameter: str) -> Omitted:
        atom = super().__new__(cls, f"{parameter} is None")
        atom.parameter = parameter
        return atom

    def __reduce__(self) -> tuple:
        return Omitted, (self.parameter,)

    def __repr__(self) -> str:
        return f"Omitted({self.parameter!r})"


class Opaque(Atom):
    """A branch condition the analysis could not evaluate (`if isinstance(h, tuple)`, `if x.dim()
    == 3`). Unlike a configuration flag, it may be tied to other facts in ways the analysis
    cannot see, so a finding must not depend on which way it goes."""

    source: str

    def __new__(cls, source: str) -> Opaque:
        atom = super().__new__(cls, OPAQUE_CONDITION + source)
        atom.source = source
        return atom

    def __reduce__(self) -> tuple:
        return Opaque, (self.source,)

    def __repr__(self) -> str:
        return f"Opaque({self.source!r})"


def both_ways(atom: Atom) -> Alt:
    """``True`` where ``atom`` holds, ``False`` where it does not."""
    return Alt(((frozenset({(atom, True)}), Bool(True)), (frozenset({(atom, False)}), Bool(False))))


def merge_guards(first: frozenset, second: frozenset) -> frozenset | None:
    """The conjunction of two guards, or None when they contradict each other: one atom both
    true and false, or relations no integer satisfies (`n_layers == 1` and `n_layers > 1`)."""
    try:
        return _merged_guards(first, second)
    except TypeError:  # a plain set: not hashable
        return _merged_guards(frozenset(first), frozenset(second))


@functools.lru_cache(maxsize=1 << 14)  # the same few guards meet again and again in one file
def _merged_guards(first: frozenset, second: frozenset) -> frozenset | None:
    merged = first | second
    atoms = [atom for atom, _ in merged]
    if len(atoms) != len(set(atoms)):
        return None
    if len(merged) > 1 and not (_relations_satisfiable(merged) and _strings_satisfiable(merged)):
        return None
    return merged


def _strings_satisfiable(guard: frozenset) -> bool:
    """Whether a name can be every string a guard says it equals (`rnn_type == 'LSTM'` and
    `rnn_type == 'GRU'` cannot both hold; nor `rnn_type == 'RNN'` and `rnn_type in ('LSTM',)`)."""
    equal: dict = {}
    for atom, truth in guard:
        if truth and isinstance(atom, Relation) and atom.operator == "==" and atom.right[:1] in ("'", '"'):
            equal.setdefault(atom.left, set()).add(atom.right)
    if not equal:
        return True
    if any(len(rights) > 1 for rights in equal.values()):
        return False
    for atom, truth in guard:
        if isinstance(atom, Relation) and atom.operator == "in" and atom.left in equal:
            try:
                members = {repr(member) for member in ast.literal_eval(atom.right)}
            except (ValueError, SyntaxError, TypeError):
                continue
            if (next(iter(equal[atom.left])) in members) != truth:
                return False
    return True


_NEGATED = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def _relations_satisfiable(guard: frozenset) -> bool:
    """Whether the relations a guard states about each symbol hold for some integer; a bare
    symbol's truth counts as a relation with 0 (`if n_layers:` is `n_layers != 0`)."""
    relations: dict = {}
    for atom, truth in guard:
        bound = atom.bound if isinstance(atom, Relation) else None
        if bound is not None:
            symbol, operator, number = bound
            relations.setdefault(symbol, []).append((operator if truth else _NEGATED[operator], number))
    if not relations:
        return True
    for atom, truth in guard:
        if isinstance(atom, Flag) and atom.name in relations:
            relations[atom.name].append(("!=" if truth else "==", 0))
    return all(len(constraints) < 2 or _integer_exists(constraints) for constraints in relations.values())


def _integer_exists(constraints: list) -> bool:
    low, high, equal, excluded = None, None, None, set()
    for operator, number in constraints:
        if operator == "==":
            if equal is not None and equal != number:
                return False
            equal = number
        elif operator == "!=":
            excluded.add(number)
        elif operator in ("<", "<="):
            bound = number - 1 if operator == "<" else number
            high = bound if high is None else min(high, bound)
        else:
            bound = number + 1 if operator == ">" else number
            low = bound if low is None else max(low, bound)
    if equal is not None:
        return (low is None or low <= equal) and (high is None or equal <= high) and equal not in excluded
    if low is not None and high is not None:
        return any(value not in excluded for value in range(low, min(high, low + len(excluded)) + 1))
    return True


class Value:
    """Base class of every abstract value."""

    def describe(self, _names: Callable[[str], str] | None = None) -> str:
        return "?"


@dataclass(frozen=True)
class Unknown(Value):
    """Nothing is known: never produces a finding."""

    def describe(self, _names=None) -> str:
        return "?"

    # _shapes multiplies dimensions with a plain `*`: guarded and unknown values take one too
    def __mul__(self, other: Value | int) -> Value:
        return multiply(self, other)

    __rmul__ = __mul__


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Poly(Value):
    """A polynomial with rational coefficients over named atoms.

    ``terms`` maps a monomial (a sorted tuple of atom names, repeated for powers) to its
    coefficient; the empty monomial is the constant term.
    """

    terms: tuple = ()

    @staticmethod
    def const(number: int | float | complex | Fraction) -> Poly:
        """The constant ``number``; a literal that is no finite real number (``1e999``,
        ``float("nan")``, ``1j``) is an opaque atom: no size, compared with nothing."""
        if type(number) is int:
            return _integer(number)
        if isinstance(number, complex) or (isinstance(number, float) and not math.isfinite(number)):
            return Poly.atom(f"{OPAQUE_PREFIX}{number!r}")
        number = Fraction(number)
        return Poly((((), number),) if number else ())

    @staticmethod
    def atom(name: str) -> Poly:
        return Poly((((name,), Fraction(1)),))

    def as_dict(self) -> dict:
        return dict(self.terms)

    @staticmethod
    def from_dict(terms: dict) -> Poly:
        return Poly(tuple(sorted((mono, coeff) for mono, coeff in terms.items() if coeff)))

    @property
    def constant(self) -> Fraction | None:
        """The number this polynomial is, when it has no atoms."""
        if not self.terms:
            return Fraction(0)
        if len(self.terms) == 1 and self.terms[0][0] == ():
            return self.terms[0][1]
        return None

    @property
    def symbol(self) -> str | None:
        """The atom's name when this is exactly one atom (``hidden_size``), else None."""
        if len(self.terms) == 1 and self.terms[0][1] == 1 and len(self.terms[0][0]) == 1:
            return self.terms[0][0][0]
        return None

    @property
    def atoms(self) -> set:
        return {atom for mono, _ in self.terms for atom in mono}

    @property
    def is_opaque(self) -> bool:
        return any(atom.startswith(OPAQUE_PREFIX) for atom in self.atoms)

    def __add__(self, other: Poly) -> Poly:
        terms = self.as_dict()
        for mono, coeff in other.terms:
            terms[mono] = terms.get(mono, 0) + coeff
        return Poly.from_dict(terms)

    def __neg__(self) -> Poly:
        return Poly(tuple((mono, -coeff) for mono, coeff in self.terms))

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __mul__(self, other: Poly | int) -> Poly:
        if isinstance(other, int):
            other = Poly.const(other)
        if not isinstance(other, Poly):
            return NotImplemented
        terms: dict = {}
        for mono_a, coeff_a in self.terms:
            for mono_b, coeff_b in other.terms:
                mono = tuple(sorted(mono_a + mono_b))
                terms[mono] = terms.get(mono, 0) + coeff_a * coeff_b
        return Poly.from_dict(terms)

    __rmul__ = __mul__

    def floordiv(self, other: Poly) -> Poly:
        divisor = other.constant
        if divisor is not None and divisor != 0:
            quotient = Poly(tuple((mono, coeff / divisor) for mono, coeff in self.terms))
            # exact only when every coefficient stays an integer: (2*h)//2 is h, h//2 is not
            if all(coeff.denominator == 1 for _, coeff in quotient.terms):
                return quotient
        return Poly.atom(f"{OPAQUE_PREFIX}({self.describe()})//({other.describe()})")

    def describe(self, names: Callable[[str], str] | None = None) -> str:
        if not self.terms:
            return "0"
        rename = names or (lambda atom: atom)
        parts = []
        for mono, coeff in sorted(self.terms, key=lambda term: (-len(term[0]), term[0])):
            factors = []
            for atom in mono:
                text = rename(atom)
                if atom.startswith(OPAQUE_PREFIX):
                    text = text[len(OPAQUE_PREFIX):]
                factors.append(text)
            magnitude = abs(coeff)
            number = _number_text(magnitude)
            if not factors:
                body = number
            elif magnitude == 1:
                body = "*".join(factors)
            else:
                body = number + "*" + "*".join(factors)
            parts.append(("-" if coeff < 0 else "+", body))
        text = parts[0][1] if parts[0][0] == "+" else "-" + parts[0][1]
        for sign, body in parts[1:]:
            text += f" {sign} {body}"
        return text

    def __repr__(self) -> str:
        return f"Poly({self.describe()})"


def _number_text(magnitude: Fraction) -> str:
    """A coefficient as text, whatever its size: Python refuses to write an integer of more
    than a few thousand digits in decimal, and a huge fraction overflows a float."""
    if magnitude.denominator == 1:
        if magnitude.numerator.bit_length() < 10_000:
            return str(magnitude.numerator)
        return hex(magnitude.numerator)
    if max(magnitude.numerator.bit_length(), magnitude.denominator.bit_length()) < 1_000:
        return str(float(magnitude))
    return f"({_number_text(Fraction(magnitude.numerator))}/{_number_text(Fraction(magnitude.denominator))})"


@dataclass(frozen=True)
class Bool(Value):
    """A boolean; ``truth`` None means it depends on ``atom`` (a named condition)."""

    truth: bool | None = None
    atom: str | None = None

    def describe(self, _names=None) -> str:
        if self.truth is not None:
            return str(self.truth)
        return self.atom or "?"


@dataclass(frozen=True)
class Const(Value):
    """A constant that is not a number: a string, None, a dtype name."""

    value: Any = None

    def describe(self, _names=None) -> str:
        return repr(self.value)


@dataclass(frozen=True)
class Alt(Value):
    """Alternatives: exactly one case holds, the one whose guard is true."""

    cases: tuple = ()

    def describe(self, names=None) -> str:
        return " | ".join(
            f"{value.describe(names)} if {describe_guard(guard)}" if guard else value.describe(names)
            for guard, value in self.cases
        )

    # _shapes multiplies dimensions with a plain `*`: guarded and unknown values take one too
    def __mul__(self, other: Value | int) -> Value:
        return multiply(self, other)

    __rmul__ = __mul__


def describe_guard(guard: frozenset) -> str:
    return " and ".join(str(atom) if truth else f"not {atom}" for atom, truth in sorted(guard))


def cases(value: Value, guard: frozenset = EMPTY_GUARD) -> Iterable[tuple[frozenset, Value]]:
    """Every ``(guard, value)`` case of ``value`` consistent with ``guard``."""
    if isinstance(value, Alt):
        return _alternative_cases(value, guard)
    return ((guard, value),)  # most values have one case: no generator for it


def _alternative_cases(value: Alt, guard: frozenset) -> Iterator[tuple[frozenset, Value]]:
    for case_guard, case_value in value.cases:
        merged = merge_guards(guard, case_guard)
        if merged is not None:
            yield from cases(case_value, merged)


# a value of more cases than this is unknown: each independent condition that changes a value
# doubles its cases (`if use_chars: dim += chars`, ten times), and the cost with them
MAX_CASES = 128


def alternatives(options: Iterable[tuple[frozenset, Value]]) -> Value:
    """Build a value from cases, collapsing it when every case is the same."""
    flat: list = []
    seen: set = set()
    first_seen = False  # the first case is hashed only once a second one comes: most values have one
    for guard, value in options:
        # a value of one case is that case (what ``cases`` yields, without starting a generator)
        for case_guard, case_value in cases(value, guard) if isinstance(value, Alt) else ((guard, value),):
            if not flat:
                flat.append((case_guard, case_value))
                continue
            if not first_seen:
                first_seen = True
                try:  # noqa: SIM105 - a plain try: this runs for most values
                    seen.add(flat[0])
                except TypeError:  # a case that cannot be hashed: compared one by one
                    pass
            try:
                key = (case_guard, case_value)
                if key in seen:
                    continue
                seen.add(key)
            except TypeError:  # a value that cannot be hashed: compared one by one
                if (case_guard, case_value) in flat:
                    continue
            flat.append((case_guard, case_value))
            if len(flat) > MAX_CASES:
                return UNKNOWN
    if not flat:
        return UNKNOWN
    first = flat[0][1]
    # a tensor's equality leaves out the order of the factors in its axes: cases that agree on
    # the shape but not on that order (`(batch * time)` rows or `(time * batch)`) stay apart
    if all(value is first or (value == first and getattr(value, "factors", None) == getattr(first, "factors", None))
           for _, value in flat):
        return first
    return Alt(tuple(flat))


def map_cases(function: Callable[..., Value], *values: Value, guard: frozenset = EMPTY_GUARD) -> Value:
    """Apply ``function`` to every consistent combination of the cases of ``values``."""
    if not any(isinstance(value, Alt) for value in values):  # one combination: the values themselves
        return alternatives(((guard, function(*values)),))
    combos: list[tuple[frozenset, list]] = [(guard, [])]
    for value in values:
        extended = []
        for combo_guard, items in combos:
            for case_guard, case_value in cases(value, combo_guard):
                extended.append((case_guard, items + [case_value]))
        combos = extended
    return alternatives((combo_guard, function(*items)) for combo_guard, items in combos)


def restrict(value: Value, guard: frozenset) -> Value:
    """``value`` under the assumption ``guard``."""
    if not isinstance(value, Alt):
        return value
    return alternatives(cases(value, guard))


@functools.lru_cache(maxsize=1024)  # the same small sizes and indices are built again and again
def _integer(value: int) -> Poly:
    number = Fraction(value)
    return Poly((((), number),) if number else ())


def number(value: int | float | Fraction) -> Poly:
    return Poly.const(value)


def as_int(value: Value) -> int | None:
    """The integer a value certainly is, else None."""
    if isinstance(value, Poly):
        constant = value.constant
        if constant is not None and constant.denominator == 1:
            return int(constant)
    return None


def as_number(value: Value) -> Fraction | None:
    if isinstance(value, Poly):
        return value.constant
    return None


def truth(value: Value) -> bool | None:
    """A Python-style truth value that holds in every case, else None."""
    results = set()
    for _, case_value in cases(value):
        results.add(case_truth(case_value))
        if None in results or len(results) > 1:
            return None
    return results.pop() if results else None


def case_truth(value: Value) -> bool | None:
    """The truth of one plain value (a bool, a number, a constant); None when not known."""
    if isinstance(value, Bool):
        return value.truth
    if isinstance(value, Poly):
        constant = value.constant
        return None if constant is None else bool(constant)
    if isinstance(value, Const):
        return bool(value.value)
    return None


EQUAL, DIFFERENT, UNKNOWN_ORDER = "equal", "different", "unknown"


def compare_numbers(first: Value, second: Value) -> str:
    """Compare two plain (unguarded) numeric values.

    DIFFERENT only where no choice of sizes could make them agree: their difference is a
    nonzero constant, or a sum of terms all of one sign (`2*h` against `h`, `a + b` against
    `a`), which cannot vanish while every size is positive. `h*L` against `2*h` is UNKNOWN
    (`L` may be 2), as is a constant against a symbol (the constant may be the configured
    value) or `e + z` against `z + x.shape[2]` (the input may have `e` features).
    """
    if not isinstance(first, Poly) or not isinstance(second, Poly):
        return UNKNOWN_ORDER
    if first == second:
        return EQUAL
    difference = first - second
    if difference.is_opaque:
        return UNKNOWN_ORDER
    if difference.constant is not None:
        return DIFFERENT  # differ by a nonzero constant for every value of the symbols
    if first.constant is not None or second.constant is not None:
        return UNKNOWN_ORDER
    signs = {coefficient > 0 for _, coefficient in difference.terms}
    return DIFFERENT if len(signs) == 1 else UNKNOWN_ORDER


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing two possibly guarded values."""

    verdict: str
    guard: frozenset = field(default=EMPTY_GUARD)  # a case where the verdict is DIFFERENT
    first: Value = UNKNOWN
    second: Value = UNKNOWN


def compare(first: Value, second: Value, guard: frozenset = EMPTY_GUARD) -> Comparison:
    """DIFFERENT when, for some choice of the configuration flags, every case certainly differs.

    Cases split by an opaque branch condition must all differ: the analysis cannot tell
    which way such a condition goes, nor how it correlates with the rest.
    """
    combos = []
    for first_guard, first_case in cases(first, guard):
        for both_guard, second_case in cases(second, first_guard):
            # a size the case's conditions pin down (`if self.extra:` false: extra is 0)
            pinned_first, pinned_second = first_case, second_case
            for atom, value in _pinned_sizes(both_guard).items():
                pinned_first = substitute(pinned_first, atom, value)
                pinned_second = substitute(pinned_second, atom, value)
            verdict = compare_numbers(pinned_first, pinned_second)
            if verdict == DIFFERENT and (_vanished(first_case, pinned_first) or _vanished(second_case, pinned_second)):
                verdict = UNKNOWN_ORDER  # a size of 0 (`proj_size * 2` with no projection) describes no layer
            combos.append((both_guard, first_case, second_case, verdict))
    if combos and all(verdict == EQUAL for *_, verdict in combos):
        return Comparison(EQUAL)
    for both_guard, first_case, second_case, verdict in combos:
        if verdict != DIFFERENT:
            continue
        free = _free_literals(both_guard - guard)
        if _all_different(combos, free):
            # say only the conditions the verdict needs: `lengths is None` rarely matters
            for literal in sorted(free):
                if _all_different(combos, free - {literal}):
                    free = free - {literal}
            return Comparison(DIFFERENT, frozenset(free), first_case, second_case)
    return Comparison(UNKNOWN_ORDER)


_BARE_SYMBOL = re.compile(r"^[A-Za-z_][\w.\[\]'\"()]*$")


def _vanished(before: Value, after: Value) -> bool:
    return isinstance(after, Poly) and after.constant == 0 and not (isinstance(before, Poly) and before.constant == 0)


def _pinned_sizes(guard: frozenset) -> dict:
    """Symbols whose value a guard fixes: false (`if n_static:` not taken) is 0, and
    `n_layers == 1` taken is 1."""
    pinned = {}
    for atom, truth in guard:
        if isinstance(atom, Flag) and not truth and _BARE_SYMBOL.match(atom.name):
            pinned[atom.name] = Poly.const(0)
            continue
        bound = atom.bound if isinstance(atom, Relation) else None
        if bound is not None and ((bound[1] == "==") == truth) and bound[1] in ("==", "!="):
            pinned[bound[0]] = Poly.const(bound[2])
    return pinned


def _all_different(combos: list, choice: frozenset) -> bool:
    """Whether every case consistent with ``choice`` certainly differs."""
    return all(combo[3] == DIFFERENT for combo in combos if merge_guards(combo[0], choice) is not None)


def _free_literals(guard: frozenset) -> frozenset:
    return frozenset((atom, value) for atom, value in guard if not isinstance(atom, Opaque))


def multiply(first: Value, second: Value | int) -> Value:
    """``first * second`` over every case; unknown where either side is not a number."""
    if isinstance(second, int):
        second = Poly.const(second)

    def times(left: Value, right: Value) -> Value:
        if isinstance(left, Poly) and isinstance(right, Poly):
            return left * right
        return UNKNOWN

    return map_cases(times, first, second)


def substitute(value: Value, atom: str, replacement: Poly) -> Value:
    """``value`` with the symbol ``atom`` replaced by ``replacement`` in every case."""

    def one(case: Value) -> Value:
        if not isinstance(case, Poly) or atom not in case.atoms:
            return case
        total = Poly()
        for mono, coeff in case.terms:
            term = Poly.const(coeff)
            for name in mono:
                term = term * (replacement if name == atom else Poly.atom(name))
            total = total + term
        return total

    return map_cases(one, value)
