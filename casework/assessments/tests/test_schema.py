"""Assessment forms as data: the schema is checked where it is wrong, and answers against their form
version."""

import copy

import pytest

from casework.assessments import schema
from casework.assessments.services import STANDARD_FORM_CODES, standard_form

SMALL = {
    "sections": [
        {
            "id": "about",
            "title": "About",
            "questions": [
                {"id": "carer", "label": "Has a carer?", "type": "yes_no", "required": True},
                {
                    "id": "carer_name",
                    "label": "Carer's name",
                    "type": "text",
                    "required": True,
                    "show_if": {"question": "carer", "equals": True},
                },
                {
                    "id": "level",
                    "label": "Risk level",
                    "type": "choice",
                    "options": [{"value": "low", "label": "Low"}, {"value": "high", "label": "High"}],
                },
                {"id": "seen_on", "label": "Seen on", "type": "date"},
            ],
        }
    ]
}


@pytest.mark.parametrize("code", STANDARD_FORM_CODES)
def test_the_shipped_forms_are_valid(code):
    assert schema.schema_problems(standard_form(code)["schema"]) == []


def _broken(change):
    broken = copy.deepcopy(SMALL)
    change(broken["sections"][0]["questions"])
    return [str(p) for p in schema.schema_problems(broken)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda qs: qs[0].update(type="number"), "Section 1, question 1: needs a type"),
        (
            lambda qs: qs[1].update(id="carer"),
            "Section 1, question 2: the id carer is used by another question",
        ),
        (
            lambda qs: qs[1].update(show_if={"question": "later", "equals": True}),
            "which is not an earlier question",
        ),
        (lambda qs: qs[1].update(show_if={"question": "carer", "equals": "yes"}), "show_if can never be met"),
        (lambda qs: qs[2].update(options=[{"value": "only", "label": "Only"}]), "at least two options"),
        (
            lambda qs: qs[3].update(options=[{"value": "a", "label": "A"}]),
            "only a choice question has options",
        ),
        (lambda qs: qs[0].update(label=" "), "needs a label"),
        (lambda qs: qs[0].update(id="Has Carer"), "needs an id"),
        (lambda qs: qs[0].update(required="yes"), "required must be true or false"),
    ],
)
def test_schema_problems_say_where_they_are(change, expected):
    problems = _broken(change)
    assert any(expected in p for p in problems), problems


def test_a_form_needs_sections_with_questions():
    assert schema.schema_problems({}) and schema.schema_problems({"sections": []})
    assert "needs at least one question" in str(
        schema.schema_problems({"sections": [{"id": "a", "title": "A", "questions": []}]})[0]
    )


def test_a_draft_may_be_partial_but_completing_needs_every_required_question_asked():
    kept, errors = schema.clean_answers(SMALL, {"level": "high"}, complete=False)
    assert (kept, errors) == ({"level": "high"}, {})
    _kept, errors = schema.clean_answers(SMALL, {"level": "high"}, complete=True)
    assert errors == {"carer": "Answer ‘Has a carer?’"}


def test_a_conditional_question_is_required_only_when_asked_and_dropped_when_not():
    _kept, errors = schema.clean_answers(SMALL, {"carer": True}, complete=True)
    assert errors == {"carer_name": "Answer ‘Carer's name’"}
    kept, errors = schema.clean_answers(SMALL, {"carer": False, "carer_name": "Left over"}, complete=True)
    assert (kept, errors) == ({"carer": False}, {})


@pytest.mark.parametrize(
    ("answers", "question", "message"),
    [
        ({"carer": "yes"}, "carer", "must be yes (true) or no (false)"),
        ({"level": "medium"}, "level", "must be one of low, high"),
        ({"seen_on": "31/02/2026"}, "seen_on", "must be a real date"),
        ({"seen_on": "2026-02-30"}, "seen_on", "must be a real date"),
        ({"nonsense": "x"}, "nonsense", "not on this version of the form"),
    ],
)
def test_bad_answers_are_named_by_question(answers, question, message):
    _kept, errors = schema.clean_answers(SMALL, answers, complete=False)
    assert message in errors[question]


def test_text_is_stripped_and_blank_answers_are_dropped():
    kept, _ = schema.clean_answers(
        SMALL, {"carer": True, "carer_name": "  Jo  ", "level": " "}, complete=False
    )
    assert kept == {"carer": True, "carer_name": "Jo"}


def test_answers_are_shown_as_a_reader_reads_them():
    questions = {q["id"]: q for q in schema.questions(SMALL)}
    assert schema.answer_display(questions["carer"], False) == "No"
    assert schema.answer_display(questions["level"], "high") == "High"
    assert schema.answer_display(questions["seen_on"], "2026-03-07") == "7 March 2026"
