"""Assessment forms as data: checking a form's schema and the answers given to it. Pure Python, no ORM.

A schema is {"sections": [{"id", "title", "description"?, "questions": [question, ...]}, ...]}; a question is
{"id", "label", "hint"?, "type": "text" | "long_text" | "choice" | "date" | "yes_no", "required"?: bool,
"options"?: [{"value", "label"}, ...] (choice only), "show_if"?: {"question": id, "equals": value}}.
A conditional question is asked (and so can be required) only when the question it depends on, earlier in the
form, has the given answer. Answers are {question id: value}: text and choices are strings, dates ISO strings,
yes/no booleans.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from casework.core import limits

QUESTION_TYPES = ("text", "long_text", "choice", "date", "yes_no")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_TEXT = 20_000


@dataclass(frozen=True)
class SchemaProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def schema_problems(schema: Any) -> list[SchemaProblem]:
    """Everything wrong with a form schema, each said where it is ("Section 2, question 3"). Empty if
    valid."""
    problems: list[SchemaProblem] = []
    if not isinstance(schema, dict) or not isinstance(schema.get("sections"), list) or not schema["sections"]:
        return [SchemaProblem("", "A form needs a list of sections, with at least one section")]
    section_ids: set[str] = set()
    seen: dict[str, dict] = {}
    for s_no, section in enumerate(schema["sections"], start=1):
        where = f"Section {s_no}"
        if not isinstance(section, dict):
            problems.append(SchemaProblem(where, "must be an object with an id, a title and questions"))
            continue
        sid = section.get("id")
        if not isinstance(sid, str) or not _ID.match(sid):
            problems.append(
                SchemaProblem(where, "needs an id of lower-case letters, numbers and underscores")
            )
        elif sid in section_ids:
            problems.append(SchemaProblem(where, f"the id {sid} is used by another section"))
        else:
            section_ids.add(sid)
        if not isinstance(section.get("title"), str) or not section["title"].strip():
            problems.append(SchemaProblem(where, "needs a title"))
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(SchemaProblem(where, "needs at least one question"))
            continue
        for q_no, question in enumerate(questions, start=1):
            problems.extend(_question_problems(f"{where}, question {q_no}", question, seen))
    return problems


def _question_problems(where: str, question: Any, seen: dict[str, dict]) -> list[SchemaProblem]:
    if not isinstance(question, dict):
        return [SchemaProblem(where, "must be an object with an id, a label and a type")]
    problems = []
    qid = question.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        problems.append(SchemaProblem(where, "needs an id of lower-case letters, numbers and underscores"))
        qid = None
    elif qid in seen:
        problems.append(SchemaProblem(where, f"the id {qid} is used by another question"))
        qid = None
    if not isinstance(question.get("label"), str) or not question["label"].strip():
        problems.append(SchemaProblem(where, "needs a label (the question as the worker reads it)"))
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        problems.append(SchemaProblem(where, "needs a type: " + ", ".join(QUESTION_TYPES)))
    if "required" in question and not isinstance(question["required"], bool):
        problems.append(SchemaProblem(where, "required must be true or false"))
    options = question.get("options")
    if kind == "choice":
        values = [o.get("value") for o in options if isinstance(o, dict)] if isinstance(options, list) else []
        if (
            len(values) < 2
            or len(values) != len(options)
            or not all(
                isinstance(v, str) and v and isinstance(o.get("label"), str) and o["label"].strip()
                for v, o in zip(values, options, strict=True)
            )
        ):
            problems.append(
                SchemaProblem(where, "a choice needs at least two options, each with a value and a label")
            )
        elif len(set(values)) != len(values):
            problems.append(SchemaProblem(where, "two options have the same value"))
    elif options is not None:
        problems.append(SchemaProblem(where, "only a choice question has options"))
    condition = question.get("show_if")
    if condition is not None:
        problems.extend(_condition_problems(where, condition, seen))
    if qid:
        seen[qid] = question
    return problems


def _condition_problems(where: str, condition: Any, seen: dict[str, dict]) -> list[SchemaProblem]:
    if not isinstance(condition, dict) or set(condition) != {"question", "equals"}:
        return [SchemaProblem(where, "show_if needs a question and the answer it must equal")]
    target = seen.get(condition["question"])
    if target is None:
        return [
            SchemaProblem(
                where, f"show_if refers to {condition['question']}, which is not an earlier question"
            )
        ]
    problem = _value_problem(target, condition["equals"])
    if problem:
        return [SchemaProblem(where, f"show_if can never be met: {problem}")]
    return []


def questions(schema: dict) -> list[dict]:
    return [q for section in schema["sections"] for q in section["questions"]]


def is_asked(question: dict, answers: dict[str, Any]) -> bool:
    """Whether a question is asked, given the answers so far (its condition, and its condition's, are met)."""
    condition = question.get("show_if")
    return condition is None or answers.get(condition["question"]) == condition["equals"]


def _value_problem(question: dict, value: Any) -> str | None:
    kind = question["type"]
    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            return "must be text"
        if len(value) > MAX_TEXT:
            return f"must be {MAX_TEXT:,} characters or fewer"
    elif kind == "choice":
        allowed = [o["value"] for o in question.get("options") or []]
        if value not in allowed:
            return "must be one of " + ", ".join(allowed)
    elif kind == "yes_no":
        if not isinstance(value, bool):
            return "must be yes (true) or no (false)"
    elif kind == "date":
        try:
            day = datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return "must be a real date, like 2026-03-27"
        return limits.date_problem(day)
    return None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_answers(schema: dict, answers: Any, *, complete: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers kept (stripped text; unasked and blank questions dropped) and the problems, by question id.

    Questions are checked in form order, so a condition sees the cleaned answer it depends on. Required
    questions must be answered only when the assessment is being completed (`complete`); a draft may be
    partial.
    """
    if not isinstance(answers, dict):
        return {}, {"answers": "Answers must be an object of question ids and answers"}
    by_id = {q["id"]: q for q in questions(schema)}
    errors = {key: "This question is not on this version of the form" for key in answers if key not in by_id}
    kept: dict[str, Any] = {}
    for qid, question in by_id.items():
        if not is_asked(question, kept):
            continue
        value = answers.get(qid)
        if isinstance(value, str):
            value = value.strip()
        if _is_blank(value):
            if complete and question.get("required"):
                errors[qid] = f"Answer ‘{question['label']}’"
            continue
        problem = _value_problem(question, value)
        if problem:
            errors[qid] = f"‘{question['label']}’ {problem}"
        else:
            kept[qid] = value
    return kept, errors


def answer_display(question: dict, value: Any) -> str:
    """An answer as a reader sees it: the option's label, Yes/No, a date written out."""
    if value is None:
        return ""
    kind = question["type"]
    if kind == "choice":
        return next((o["label"] for o in question["options"] if o["value"] == value), str(value))
    if kind == "yes_no":
        return "Yes" if value else "No"
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value).strftime("%-d %B %Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)
