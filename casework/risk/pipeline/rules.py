"""Declarative risk rules: a rule gives a risk category when its expression holds for a subject.

An expression is JSON (so that an initiative admin can keep it, and a version can be copied and frozen):

    {"all": [e, ...]}   every e holds          {"any": [e, ...]}   at least one e holds
    {"not": e}          e does not hold        {"factor": "scheme/term"}   the subject has that risk factor
    {"age_at_least": 75}   {"age_under": 18}   {"area_in": ["RG40", "RG41"]}

Unknown facts are treated honestly (three-valued logic): a subject whose age is not known is neither
"aged 75 or over" nor "not aged 75 or over", so a rule that depends on the age fires only when it holds
whatever the age is. A rule fires only when its expression is known to be true.

Pure Python: no Django, no database. Rules are compiled once into closures, so that a cohort of a million
subjects is evaluated in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

FACTOR_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*/[a-z0-9][a-z0-9_.-]*$")
MAX_DEPTH = 32
MAX_AGE = 150
OPERATORS = ("all", "any", "not", "factor", "age_at_least", "age_under", "area_in")


@dataclass(frozen=True)
class Subject:
    key: str  # "p:<person id>" or "h:<household id>"
    factors: frozenset[str]  # "scheme/term", e.g. "council_tax_reduction/arrears", "nhs/shielded"
    age: int | None  # whole years on the run's reference date (None: not known)
    area: str  # postcode district or ward code ("" if not known)


@dataclass(frozen=True)
class Rule:
    id: str  # stable id, e.g. "R3"
    category: str  # a risk category code
    when: dict  # expression, grammar above
    description: str = ""  # plain English, for explanations ("council tax arrears")


# A compiled expression: True (holds), False (does not hold) or None (not known for this subject).
Test = Callable[[Subject], bool | None]


def normalise_area(area: str) -> str:
    """Areas compare without case or spaces ("rg40" is "RG40")."""
    return "".join(area.split()).upper()


def rule_errors(when: object) -> list[str]:
    """What is wrong with an expression, in messages a person can act on ([] when it is valid)."""
    errors: list[str] = []
    _check(when, "rule", 0, errors)
    return errors


def _check(expr: object, where: str, depth: int, errors: list[str]) -> None:
    if depth > MAX_DEPTH:
        errors.append(f"{where}: the expression is nested more than {MAX_DEPTH} levels deep")
        return
    if not isinstance(expr, dict) or len(expr) != 1:
        errors.append(
            f"{where}: each part must be an object with exactly one of {', '.join(OPERATORS)}; got {expr!r}"
        )
        return
    ((op, arg),) = expr.items()
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            errors.append(f"{where}: {op!r} needs a non-empty list of expressions")
            return
        for i, part in enumerate(arg):
            _check(part, f"{where}.{op}[{i}]", depth + 1, errors)
    elif op == "not":
        _check(arg, f"{where}.not", depth + 1, errors)
    elif op == "factor":
        if not isinstance(arg, str) or not FACTOR_PATTERN.match(arg):
            errors.append(
                f"{where}: a factor is 'scheme/term' in lower case, e.g. 'council_tax_reduction/arrears'; "
                f"got {arg!r}"
            )
    elif op in ("age_at_least", "age_under"):
        if isinstance(arg, bool) or not isinstance(arg, int) or not 0 <= arg <= MAX_AGE:
            errors.append(f"{where}: {op!r} needs a whole number of years from 0 to {MAX_AGE}; got {arg!r}")
    elif op == "area_in":
        if (
            not isinstance(arg, list)
            or not arg
            or not all(isinstance(a, str) and normalise_area(a) for a in arg)
        ):
            errors.append(
                f"{where}: 'area_in' needs a non-empty list of area codes, e.g. ['RG40']; got {arg!r}"
            )
    else:
        errors.append(f"{where}: unknown operator {op!r}; use one of {', '.join(OPERATORS)}")


def compile_expression(when: dict) -> Test:
    """A function giving True, False or None (not known) for a subject. Raises ValueError if invalid."""
    errors = rule_errors(when)
    if errors:
        raise ValueError("; ".join(errors))
    return _compile(when)


def _compile(expr: dict) -> Test:
    ((op, arg),) = expr.items()
    if op == "factor":
        return lambda s: arg in s.factors
    if op == "age_at_least":
        return lambda s: None if s.age is None else s.age >= arg
    if op == "age_under":
        return lambda s: None if s.age is None else s.age < arg
    if op == "area_in":
        areas = frozenset(normalise_area(a) for a in arg)
        return lambda s: (normalise_area(s.area) in areas) if s.area else None
    if op == "not":
        inner = _compile(arg)

        def negate(s: Subject) -> bool | None:
            value = inner(s)
            return None if value is None else not value

        return negate
    parts = [_compile(part) for part in arg]
    if op == "all":

        def every(s: Subject) -> bool | None:
            unknown = False
            for part in parts:
                value = part(s)
                if value is False:
                    return False
                if value is None:
                    unknown = True
            return None if unknown else True

        return every

    def some(s: Subject) -> bool | None:
        unknown = False
        for part in parts:
            value = part(s)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    return some


class CompiledRules:
    """Rules checked and compiled once, for evaluating many subjects."""

    def __init__(self, rules: Sequence[Rule], category_rank: Mapping[str, int]):
        problems: list[str] = []
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                problems.append(f"rule id {rule.id!r} is used more than once")
            seen.add(rule.id)
            if rule.category not in category_rank:
                problems.append(
                    f"rule {rule.id}: category {rule.category!r} is not one of the ranked categories"
                )
            problems.extend(f"rule {rule.id}: {e}" for e in rule_errors(rule.when))
        if problems:
            raise ValueError("; ".join(problems))
        self.rules = tuple(rules)
        self.category_rank = dict(category_rank)
        self._tests = [(rule.id, rule.category, _compile(rule.when)) for rule in self.rules]

    def evaluate(self, subject: Subject) -> tuple[str | None, tuple[str, ...]]:
        fired: list[str] = []
        best: str | None = None
        best_rank = 0
        for rule_id, category, test in self._tests:
            if test(subject) is True:
                fired.append(rule_id)
                rank = self.category_rank[category]
                if best is None or rank < best_rank:
                    best, best_rank = category, rank
        return best, tuple(fired)


def evaluate(
    subject: Subject, rules: Sequence[Rule], category_rank: Mapping[str, int]
) -> tuple[str | None, tuple[str, ...]]:
    """(The highest-ranked category among the rules that fired (rank 1 is highest), the fired rule ids in
    rule order). (None, ()) when no rule fires.

    Raises ValueError for an invalid rule or an unranked category."""
    return CompiledRules(rules, category_rank).evaluate(subject)


def describe(when: dict, labels: Mapping[str, str] | None = None) -> str:
    """Plain English for an expression, used when a rule has no description of its own. `labels` names
    factors ({"nhs/shielded": "on the shielded list"}); a factor without one is written from its code."""
    ((op, arg),) = when.items()
    if op == "factor":
        if labels and arg in labels:
            return labels[arg]
        return arg.replace("_", " ").replace("/", ": ")
    if op == "age_at_least":
        return f"aged {arg} or over"
    if op == "age_under":
        return f"aged under {arg}"
    if op == "area_in":
        return "lives in " + " or ".join(normalise_area(a) for a in arg)
    if op == "not":
        return f"not ({describe(arg, labels)})"
    joiner = " and " if op == "all" else " or "
    text = joiner.join(describe(part, labels) for part in arg)
    return f"({text})" if len(arg) > 1 else text


def explain(
    subject: Subject,
    rules: Sequence[Rule],
    category_rank: Mapping[str, int],
    category_labels: Mapping[str, str],
) -> str:
    """Why a subject is in its category: "High: R3 council tax arrears + R7 aged 75 or over".

    The category given comes first; rules that fired for lower categories follow ("; also Medium: R5 ...").
    "" when no rule fires.
    """
    compiled = CompiledRules(rules, category_rank)
    category, fired = compiled.evaluate(subject)
    if category is None:
        return ""
    by_id = {rule.id: rule for rule in rules}
    by_category: dict[str, list[Rule]] = {}
    for rule_id in fired:
        rule = by_id[rule_id]
        by_category.setdefault(rule.category, []).append(rule)
    parts = []
    for cat in sorted(by_category, key=lambda c: category_rank[c]):
        reasons = " + ".join(f"{r.id} {r.description or describe(r.when)}" for r in by_category[cat])
        parts.append(f"{category_labels.get(cat, cat)}: {reasons}")
    return parts[0] + "".join(f"; also {p}" for p in parts[1:])
