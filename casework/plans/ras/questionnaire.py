"""A RAS questionnaire: questions whose answers score points, and a table turning points into a weekly amount
(bands: from so many points, so many pounds a week plus so much for each point above; a ready reckoner is
bands with nothing per point). The indicative budget is shown broken down per answer: it can be explained.

No Django: the organisation admin's pages, the worker's page, the API and the tests use the same code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

PENNY = Decimal("0.01")
MAX_POINTS = 1000  # points one answer may score
MAX_WEEKLY = Decimal("99999.99")  # pounds a week a band may give
MAX_QUESTIONS = 40
MAX_ANSWERS = 10
MAX_BANDS = 50
TEXT_LENGTH = 200


class RasError(ValueError):
    """A questionnaire that cannot be used, or answers that do not fit it (a message a person can act on)."""


@dataclass(frozen=True)
class Answer:
    key: str
    text: str
    points: int


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    answers: tuple[Answer, ...]

    def answer(self, key: str) -> Answer:
        for answer in self.answers:
            if answer.key == key:
                return answer
        raise RasError(f"“{key}” is not an answer to “{self.text}”: choose one of its answers.")


@dataclass(frozen=True)
class Band:
    """From `from_points` points: `weekly` pounds a week, plus `per_point` for each point above them."""

    from_points: int
    weekly: Decimal
    per_point: Decimal = Decimal("0")


@dataclass(frozen=True)
class Questionnaire:
    questions: tuple[Question, ...]
    bands: tuple[Band, ...]
    # The highest question number ever given: a removed question's key is never given to another.
    last_number: int = 0

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise RasError(f"There is no question “{key}” in this questionnaire.")

    @property
    def max_points(self) -> int:
        return sum(max((a.points for a in q.answers), default=0) for q in self.questions)


@dataclass(frozen=True)
class BudgetLine:
    """One answer's part of the indicative budget: its points and its share of the weekly amount."""

    question_key: str
    question: str
    answer_key: str
    answer: str
    points: int
    weekly: Decimal


@dataclass(frozen=True)
class Indicative:
    points: int
    weekly: Decimal
    band: Band
    lines: tuple[BudgetLine, ...]


def pounds(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def weekly_for_points(bands: Sequence[Band], points: int) -> tuple[Band, Decimal]:
    """The band the points fall in and the weekly amount it gives. Raises RasError when no band starts at or
    below the points (a table must start at 0)."""
    found = [band for band in bands if band.from_points <= points]
    if not found:
        raise RasError("The points-to-pounds table has no band for these points: it must start at 0 points.")
    band = max(found, key=lambda b: b.from_points)
    return band, pounds(band.weekly + band.per_point * (points - band.from_points))


def _shares(total: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """`total` shared in proportion to `weights`, in pence that add up to it (largest remainders first)."""
    whole = sum(weights)
    if not weights:
        return []
    if whole == 0:
        return [Decimal("0.00")] * len(weights)
    pence = int((total / PENNY).to_integral_value(rounding=ROUND_HALF_UP))
    exact = [Decimal(pence) * weight / whole for weight in weights]
    floors = [int(value) for value in exact]
    left = pence - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(value) * PENNY for value in floors]


def indicative_budget(questionnaire: Questionnaire, answers: Mapping[str, str]) -> Indicative:
    """The indicative weekly budget for the answers ({question key: answer key}), every question answered,
    broken down per answer in proportion to its points. Raises RasError naming what is missing or wrong."""
    problems = validate(questionnaire)
    if problems:
        raise RasError(problems[0])
    unknown = sorted(set(answers) - {q.key for q in questionnaire.questions})
    if unknown:
        raise RasError(f"There is no question “{unknown[0]}” in this questionnaire.")
    chosen: list[tuple[Question, Answer]] = []
    for question in questionnaire.questions:
        if question.key not in answers:
            raise RasError(f"Answer “{question.text}”.")
        chosen.append((question, question.answer(answers[question.key])))
    points = sum(answer.points for _, answer in chosen)
    band, weekly = weekly_for_points(questionnaire.bands, points)
    shares = _shares(weekly, [answer.points for _, answer in chosen])
    lines = tuple(
        BudgetLine(q.key, q.text, a.key, a.text, a.points, share)
        for (q, a), share in zip(chosen, shares, strict=True)
    )
    return Indicative(points=points, weekly=weekly, band=band, lines=lines)


def validate(questionnaire: Questionnaire) -> list[str]:
    """What stops the questionnaire being published (empty: nothing)."""
    problems: list[str] = []
    if not questionnaire.questions:
        problems.append("Add at least one question.")
    if len(questionnaire.questions) > MAX_QUESTIONS:
        problems.append(f"A questionnaire has at most {MAX_QUESTIONS} questions.")
    keys = [q.key for q in questionnaire.questions]
    if len(set(keys)) != len(keys):
        problems.append("Two questions have the same key.")
    for question in questionnaire.questions:
        if len(question.answers) < 2:
            problems.append(f"“{question.text}” needs at least two answers.")
        if len({a.key for a in question.answers}) != len(question.answers):
            problems.append(f"Two answers to “{question.text}” have the same key.")
    if not questionnaire.bands:
        problems.append("Add the points-to-pounds table.")
    elif min(b.from_points for b in questionnaire.bands) != 0:
        problems.append("The points-to-pounds table must start at 0 points.")
    elif len({b.from_points for b in questionnaire.bands}) != len(questionnaire.bands):
        problems.append("Two bands of the points-to-pounds table start at the same points.")
    else:
        ordered = sorted(questionnaire.bands, key=lambda b: b.from_points)
        for lower, upper in zip(ordered, ordered[1:], strict=False):
            reached = lower.weekly + lower.per_point * (upper.from_points - lower.from_points - 1)
            if upper.weekly < reached:
                problems.append(
                    f"The band from {upper.from_points} points gives less than the points below it: "
                    "more points must never mean a smaller budget."
                )
    return problems


# --- As JSON (what the database keeps: a published version is this, frozen) ---


def as_json(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "answers": [{"key": a.key, "text": a.text, "points": a.points} for a in q.answers],
            }
            for q in questionnaire.questions
        ],
        "bands": [
            {"from_points": b.from_points, "weekly": str(b.weekly), "per_point": str(b.per_point)}
            for b in sorted(questionnaire.bands, key=lambda b: b.from_points)
        ],
        "last_number": questionnaire.last_number,
    }


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RasError(f"{what} must be an amount in pounds.") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_WEEKLY or amount != pounds(amount):
        raise RasError(f"{what} must be between £0 and £{MAX_WEEKLY}, in pounds and pence.")
    return pounds(amount)


def from_json(data: Mapping[str, Any]) -> Questionnaire:
    """The questionnaire from as_json's shape. Raises RasError when it is not that shape."""
    try:
        questions = tuple(
            Question(
                key=str(q["key"]),
                text=str(q["text"]),
                answers=tuple(
                    Answer(key=str(a["key"]), text=str(a["text"]), points=int(a["points"]))
                    for a in q["answers"]
                ),
            )
            for q in data.get("questions", [])
        )
        bands = tuple(
            Band(
                from_points=int(b["from_points"]),
                weekly=_money(b["weekly"], "A band's weekly amount"),
                per_point=_money(b.get("per_point", "0"), "A band's amount per point"),
            )
            for b in data.get("bands", [])
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, RasError):
            raise
        raise RasError("The questionnaire is not in the expected shape.") from None
    return Questionnaire(questions=questions, bands=bands, last_number=int(data.get("last_number", 0)))


# --- Editing a draft (each returns a new questionnaire: a published one is never changed) ---


def _next_number(questionnaire: Questionnaire) -> int:
    taken = [int(q.key[1:]) for q in questionnaire.questions if q.key[:1] == "q" and q.key[1:].isdigit()]
    return max([questionnaire.last_number, *taken]) + 1


def parse_answers(text: str) -> tuple[tuple[int, str], ...]:
    """Answers written one a line as "points | answer" (the admin's page). Raises RasError naming the line."""
    answers: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        points, bar, words = line.partition("|")
        if not bar or not points.strip().isdigit() or not words.strip():
            raise RasError(
                f"Line {number}: write the points, a bar and the answer, like “4 | Needs some help”."
            )
        value = int(points.strip())
        if value > MAX_POINTS:
            raise RasError(f"Line {number}: an answer scores at most {MAX_POINTS} points.")
        if len(words.strip()) > TEXT_LENGTH:
            raise RasError(f"Line {number}: an answer has at most {TEXT_LENGTH} characters.")
        answers.append((value, words.strip()))
    if len(answers) < 2:
        raise RasError("Give at least two answers, one a line.")
    if len(answers) > MAX_ANSWERS:
        raise RasError(f"A question has at most {MAX_ANSWERS} answers.")
    return tuple(answers)


def parse_bands(text: str) -> tuple[Band, ...]:
    """Bands written one a line as "from points | £ a week" or "from points | £ a week | £ a point above"."""
    bands: list[Band] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [part.strip().lstrip("£") for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0].isdigit():
            raise RasError(
                f"Line {number}: write the points, a bar and the pounds a week, like “10 | 120.50”."
            )
        if int(parts[0]) > MAX_POINTS * MAX_QUESTIONS:
            raise RasError(f"Line {number}: a band starts at most at {MAX_POINTS * MAX_QUESTIONS} points.")
        try:
            weekly = _money(parts[1], f"Line {number}: the weekly amount")
            per_point = _money(parts[2] if len(parts) == 3 else "0", f"Line {number}: the amount per point")
        except RasError:
            raise
        bands.append(Band(int(parts[0]), weekly, per_point))
    if not bands:
        raise RasError("Give at least one band, starting at 0 points.")
    if len(bands) > MAX_BANDS:
        raise RasError(f"The table has at most {MAX_BANDS} bands.")
    found = Questionnaire(questions=(), bands=tuple(bands))
    problems = [p for p in validate(found) if "question" not in p]
    if problems:
        raise RasError(problems[0])
    return tuple(sorted(bands, key=lambda b: b.from_points))


def with_question(
    questionnaire: Questionnaire, text: str, answers: Sequence[tuple[int, str]]
) -> Questionnaire:
    """The questionnaire with a question added at the end (new keys, never reused)."""
    text = text.strip()
    if not text:
        raise RasError("Enter the question.")
    if len(text) > TEXT_LENGTH:
        raise RasError(f"A question has at most {TEXT_LENGTH} characters.")
    if len(questionnaire.questions) >= MAX_QUESTIONS:
        raise RasError(f"A questionnaire has at most {MAX_QUESTIONS} questions.")
    number = _next_number(questionnaire)
    key = f"q{number}"
    question = Question(
        key=key,
        text=text,
        answers=tuple(
            Answer(f"{key}a{i}", words, points) for i, (points, words) in enumerate(answers, start=1)
        ),
    )
    return Questionnaire(
        questions=(*questionnaire.questions, question), bands=questionnaire.bands, last_number=number
    )


def without_question(questionnaire: Questionnaire, key: str) -> Questionnaire:
    questionnaire.question(key)
    return Questionnaire(
        questions=tuple(q for q in questionnaire.questions if q.key != key),
        bands=questionnaire.bands,
        last_number=questionnaire.last_number,
    )


def with_bands(questionnaire: Questionnaire, bands: Sequence[Band]) -> Questionnaire:
    return Questionnaire(
        questions=questionnaire.questions, bands=tuple(bands), last_number=questionnaire.last_number
    )
