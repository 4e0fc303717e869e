"""Resource allocation as pure code: the questionnaire, the points-to-pounds table, the indicative budget
broken down per answer, and the personal budget's figures and approval route."""

from __future__ import annotations

from decimal import Decimal

import pytest

from casework.plans.ras import budget as money
from casework.plans.ras import questionnaire as ras
from casework.plans.ras.default import default_questionnaire

D = Decimal


LINEAR = (ras.Band(0, D("0"), D("10")),)


def _simple(bands=LINEAR) -> ras.Questionnaire:
    q = ras.Questionnaire(questions=(), bands=())
    q = ras.with_question(q, "Personal care", ((0, "None"), (5, "Some"), (9, "All")))
    q = ras.with_question(q, "Nights", ((0, "None"), (3, "Some")))
    return ras.with_bands(q, bands)


def test_the_default_questionnaire_is_publishable():
    q = default_questionnaire()
    assert ras.validate(q) == []
    assert len(q.questions) == 7 and all(len(question.answers) >= 3 for question in q.questions)


def test_a_linear_table_gives_pounds_per_point_and_the_lines_add_up():
    result = ras.indicative_budget(_simple(), {"q1": "q1a3", "q2": "q2a2"})
    assert result.points == 12 and result.weekly == D("120.00")
    assert [line.weekly for line in result.lines] == [D("90.00"), D("30.00")]
    assert [line.answer for line in result.lines] == ["All", "Some"]


def test_a_ready_reckoner_steps_and_the_shares_are_whole_pence_that_add_up():
    reckoner = (ras.Band(0, D("0")), ras.Band(5, D("100.00")), ras.Band(10, D("250.00")))
    q = _simple(reckoner)
    assert ras.indicative_budget(q, {"q1": "q1a1", "q2": "q2a2"}).weekly == D("0.00")  # 3 points
    assert ras.indicative_budget(q, {"q1": "q1a2", "q2": "q2a1"}).weekly == D("100.00")  # 5 points
    result = ras.indicative_budget(q, {"q1": "q1a2", "q2": "q2a2"})  # 8 points: 100 shared 5:3
    assert result.weekly == D("100.00")
    assert [line.weekly for line in result.lines] == [D("62.50"), D("37.50")]
    odd = ras.indicative_budget(
        _simple((ras.Band(0, D("100.00")),)), {"q1": "q1a3", "q2": "q2a2"}
    )  # 100 shared 9:3
    assert sum(line.weekly for line in odd.lines) == D("100.00")
    assert [line.weekly for line in odd.lines] == [D("75.00"), D("25.00")]
    thirds = ras.indicative_budget(
        _simple((ras.Band(0, D("100.00")),)), {"q1": "q1a2", "q2": "q2a2"}
    )  # 100 shared 5:3 -> 62.50 / 37.50
    assert sum(line.weekly for line in thirds.lines) == D("100.00")


def test_no_points_gives_the_band_at_zero_with_nothing_per_answer():
    result = ras.indicative_budget(_simple((ras.Band(0, D("20.00")),)), {"q1": "q1a1", "q2": "q2a1"})
    assert result.weekly == D("20.00") and all(line.weekly == 0 for line in result.lines)


def test_every_question_must_be_answered_with_one_of_its_answers():
    with pytest.raises(ras.RasError, match="Answer “Nights”"):
        ras.indicative_budget(_simple(), {"q1": "q1a1"})
    with pytest.raises(ras.RasError, match="not an answer"):
        ras.indicative_budget(_simple(), {"q1": "q1a9", "q2": "q2a1"})
    with pytest.raises(ras.RasError, match="no question"):
        ras.indicative_budget(_simple(), {"q1": "q1a1", "q2": "q2a1", "q7": "x"})


def test_publishing_needs_questions_answers_and_a_table_from_zero_that_never_falls():
    assert ras.validate(ras.Questionnaire((), ())) == [
        "Add at least one question.",
        "Add the points-to-pounds table.",
    ]
    assert "must start at 0 points" in ras.validate(_simple((ras.Band(1, D("5")),)))[0]
    falling = _simple((ras.Band(0, D("0"), D("10")), ras.Band(10, D("50"))))
    assert "more points must never mean a smaller budget" in ras.validate(falling)[0]


def test_answers_and_bands_are_read_from_the_admins_lines():
    assert ras.parse_answers("0 | None\n\n 4 | Some help ") == ((0, "None"), (4, "Some help"))
    with pytest.raises(ras.RasError, match="Line 2"):
        ras.parse_answers("0 | None\nfour | Some")
    with pytest.raises(ras.RasError, match="at least two"):
        ras.parse_answers("0 | None")
    assert ras.parse_bands("10 | £120.50\n0 | 0 | 12") == (
        ras.Band(0, D("0"), D("12")),
        ras.Band(10, D("120.50")),
    )
    with pytest.raises(ras.RasError, match="pounds and pence"):
        ras.parse_bands("0 | 1.234")
    with pytest.raises(ras.RasError, match="start at 0"):
        ras.parse_bands("5 | 10")


def test_keys_are_never_reused_after_a_question_is_removed():
    q = ras.without_question(_simple(), "q2")
    q = ras.with_question(q, "Community", ((0, "No"), (2, "Yes")))
    assert [question.key for question in q.questions] == ["q1", "q3"]


def test_the_json_round_trip_keeps_everything():
    q = default_questionnaire()
    assert ras.from_json(ras.as_json(q)) == q
    with pytest.raises(ras.RasError):
        ras.from_json({"questions": [{"key": "q1"}]})


def test_the_three_figures():
    assessed = money.budget_figures(weekly_cost=D("300"), weekly_charge=D("26.65"))
    assert (assessed.weekly_cost, assessed.person_pays, assessed.council_pays) == (
        D("300.00"),
        D("26.65"),
        D("273.35"),
    )
    assert assessed.annual_cost == D("15600.00")
    capped = money.budget_figures(weekly_cost=D("20"), weekly_charge=D("26.65"))
    assert capped.person_pays == D("20.00") and capped.council_pays == D("0.00")
    full = money.budget_figures(weekly_cost=D("300"), weekly_charge=None, pays_full_cost=True)
    assert full.person_pays == D("300.00") and full.council_pays == D("0.00")
    unknown = money.budget_figures(weekly_cost=D("300"), weekly_charge=None)
    assert unknown.person_pays is None and unknown.council_pays == D("300.00")


@pytest.mark.parametrize(
    ("indicative", "final", "needs"),
    [
        ("200", "220", False),
        ("200", "220.01", True),
        ("200", "179.99", True),
        ("200", "180", False),
        ("0", "1", True),
    ],
)
def test_a_difference_over_the_threshold_needs_a_reason(indicative, final, needs):
    assert (
        money.difference(indicative=D(indicative), final=D(final), threshold_percent=D("10")).needs_reason
        is needs
    )


def test_the_approval_chain_goes_up_by_limit():
    levels = [money.Level("case_manager", None), money.Level("team_manager", D("49000"))]
    assert money.first_level(levels) == money.Level("team_manager", D("49000"))
    assert money.next_level(levels, "team_manager") == money.Level("case_manager", None)
    assert money.next_level(levels, "case_manager") is None
    assert money.level_covering(levels, D("49000")).role == "team_manager"
    assert money.level_covering(levels, D("49000.01")).role == "case_manager"
    assert money.level_covering([money.Level("team_manager", D("10"))], D("11")) is None
