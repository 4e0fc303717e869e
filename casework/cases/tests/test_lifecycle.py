"""The lifecycle tables: every status and stage move, allowed or refused with a reason. Pure, no database."""

import itertools

import pytest

from casework.cases import lifecycle
from casework.cases.choices import CaseStage as G
from casework.cases.choices import CaseStatus as S

ALLOWED_STATUS = {
    (S.PLANNED, S.ACTIVE),
    (S.PLANNED, S.CANCELLED),
    (S.ACTIVE, S.ON_HOLD),
    (S.ON_HOLD, S.ACTIVE),
    (S.ACTIVE, S.FINISHED),
    (S.ACTIVE, S.CANCELLED),
    (S.ON_HOLD, S.CANCELLED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S.values, S.values)))
def test_every_status_move(current, target):
    problem = lifecycle.status_move_problem(current, target)
    if (current, target) in ALLOWED_STATUS:
        assert problem is None
    else:
        assert problem and problem.endswith(".")


def test_refused_status_move_says_what_is_allowed():
    assert lifecycle.status_move_problem(S.PLANNED, S.ON_HOLD) == (
        "A planned case can only become active or cancelled, not on hold."
    )
    assert "raise a new case" in lifecycle.status_move_problem(S.FINISHED, S.ACTIVE)


FORWARD = {
    (G.AWAITING_ALLOCATION, G.CONTACT),
    (G.CONTACT, G.ASSESSMENT),
    (G.CONTACT, G.CLOSING),
    (G.ASSESSMENT, G.PLANNING),
    (G.ASSESSMENT, G.CLOSING),
    (G.PLANNING, G.SUPPORT),
    (G.PLANNING, G.CLOSING),
    (G.SUPPORT, G.REVIEW),
    (G.SUPPORT, G.CLOSING),
    (G.REVIEW, G.SUPPORT),
    (G.REVIEW, G.CLOSING),
}
WORK = [G.CONTACT, G.ASSESSMENT, G.PLANNING, G.SUPPORT, G.REVIEW, G.CLOSING]


@pytest.mark.parametrize(("current", "target"), list(itertools.product(G.values, G.values)))
def test_every_stage_move_of_an_active_case(current, target):
    problem = lifecycle.stage_move_problem(current, target, status=S.ACTIVE)
    backwards = lifecycle.stage_index(target) < lifecycle.stage_index(current)
    expected = (current, target) in FORWARD or (backwards and target in WORK)
    assert (problem is None) is expected, problem


def test_planned_cases_only_move_from_intake_to_awaiting_allocation():
    assert lifecycle.stage_move_problem(G.INTAKE, G.AWAITING_ALLOCATION, status=S.PLANNED) is None
    assert "accepts it" in lifecycle.stage_move_problem(G.AWAITING_ALLOCATION, G.CONTACT, status=S.PLANNED)


@pytest.mark.parametrize("status", [S.ON_HOLD, S.FINISHED, S.CANCELLED])
def test_stages_do_not_move_unless_active(status):
    assert "cannot change" in lifecycle.stage_move_problem(G.CONTACT, G.ASSESSMENT, status=status)


def test_refused_stage_move_says_what_is_allowed():
    assert lifecycle.stage_move_problem(G.CONTACT, G.SUPPORT, status=S.ACTIVE) == (
        "A case at Contact can move on to Assessment or Closing, not Support."
    )
    assert "reassign" in lifecycle.stage_move_problem(G.CONTACT, G.INTAKE, status=S.ACTIVE)


def test_after_going_back_a_worker_returns_past_completed_stages():
    done = {G.CONTACT, G.ASSESSMENT, G.PLANNING}
    assert lifecycle.stage_move_problem(G.ASSESSMENT, G.SUPPORT, status=S.ACTIVE, completed=done) is None
    # Not past a stage that has not been completed.
    assert (
        lifecycle.stage_move_problem(
            G.ASSESSMENT, G.SUPPORT, status=S.ACTIVE, completed={G.CONTACT, G.ASSESSMENT}
        )
        is not None
    )


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (G.PLANNING, G.CONTACT, True),
        (G.PLANNING, G.PLANNING, True),
        (G.PLANNING, G.SUPPORT, False),
        (G.PLANNING, G.INTAKE, False),
        (G.PLANNING, G.AWAITING_ALLOCATION, False),
    ],
)
def test_restart_only_from_the_current_or_an_earlier_work_stage(current, target, allowed):
    assert (lifecycle.restart_problem(current, target) is None) is allowed


def test_every_stage_has_a_next_step():
    assert set(lifecycle.NEXT_STEP) == set(G.values)
