"""The allowed moves between case statuses and stages, as tables. Pure Python: no ORM."""

from __future__ import annotations

from collections.abc import Iterable

from casework.cases.choices import CaseStage, CaseStatus

S, G = CaseStatus, CaseStage

# (from, to): what the move means. Anything not listed is refused.
STATUS_MOVES: dict[tuple[str, str], str] = {
    (S.PLANNED, S.ACTIVE): "work starts (the case is accepted)",
    (S.PLANNED, S.CANCELLED): "the case is cancelled before work starts",
    (S.ACTIVE, S.ON_HOLD): "the case waits for an event",
    (S.ON_HOLD, S.ACTIVE): "work resumes",
    (S.ACTIVE, S.FINISHED): "the case is closed",
    (S.ACTIVE, S.CANCELLED): "the case is cancelled",
    (S.ON_HOLD, S.CANCELLED): "the case is cancelled",
}

STAGE_ORDER: tuple[str, ...] = (
    G.INTAKE,
    G.AWAITING_ALLOCATION,
    G.CONTACT,
    G.ASSESSMENT,
    G.PLANNING,
    G.SUPPORT,
    G.REVIEW,
    G.CLOSING,
)
# The stages of casework proper: a worker can go back to any of these to amend it.
WORK_STAGES: tuple[str, ...] = STAGE_ORDER[2:]

# Forward moves by the stage a case is at. Closing can be reached from any work stage (no needs found,
# declined, moved away). Going back to an earlier work stage is always allowed; see stage_move_problem.
STAGE_FORWARD: dict[str, tuple[str, ...]] = {
    G.INTAKE: (G.AWAITING_ALLOCATION,),
    G.AWAITING_ALLOCATION: (G.CONTACT,),
    G.CONTACT: (G.ASSESSMENT, G.CLOSING),
    G.ASSESSMENT: (G.PLANNING, G.CLOSING),
    G.PLANNING: (G.SUPPORT, G.CLOSING),
    G.SUPPORT: (G.REVIEW, G.CLOSING),
    G.REVIEW: (G.SUPPORT, G.CLOSING),
    G.CLOSING: (),
}

# Stages a case may be at in each status.
STAGES_BY_STATUS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (G.INTAKE, G.AWAITING_ALLOCATION),
    S.ACTIVE: WORK_STAGES,
    S.ON_HOLD: WORK_STAGES,
    S.FINISHED: (G.CLOSING,),
    S.CANCELLED: STAGE_ORDER,
}

NEXT_STEP: dict[str, str] = {
    G.INTAKE: "Check the details and send for allocation",
    G.AWAITING_ALLOCATION: "Accept the case or assign a worker",
    G.CONTACT: "Make contact with the person",
    G.ASSESSMENT: "Assess the person's situation and needs",
    G.PLANNING: "Plan support with the person",
    G.SUPPORT: "Deliver and monitor support",
    G.REVIEW: "Review how the support is working",
    G.CLOSING: "Close the case with an outcome",
}


def label(value: str) -> str:
    for choices in (CaseStatus, CaseStage):
        if value in choices.values:
            return str(choices(value).label)
    return value


def _join(values: Iterable[str]) -> str:
    names = [label(v) for v in values]
    if not names:
        return "nowhere"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


def status_move_problem(current: str, target: str) -> str | None:
    """None if the status move is allowed, else a sentence saying why not."""
    if current == target:
        return f"The case is already {label(current).lower()}."
    if (current, target) in STATUS_MOVES:
        return None
    allowed = [to for (frm, to) in STATUS_MOVES if frm == current]
    if not allowed:
        return f"A {label(current).lower()} case cannot change status: raise a new case instead."
    return (
        f"A {label(current).lower()} case can only become {_join(allowed).lower()}, "
        f"not {label(target).lower()}."
    )


def stage_move_problem(
    current: str,
    target: str,
    *,
    status: str,
    completed: Iterable[str] = (),
    visited: Iterable[str] | None = None,
) -> str | None:
    """None if moving the case from stage `current` to `target` is allowed, else why not.

    Forward moves follow STAGE_FORWARD; after going back to amend, a case may move forward again to any
    stage whose earlier work stages are all completed. Going back is to an earlier work stage the case has
    been at (`visited`; every earlier stage when not given): there is nothing to amend in one it skipped.
    """
    if current == target:
        return f"The case is already at {label(current)}."
    if status == S.PLANNED and target not in STAGES_BY_STATUS[S.PLANNED]:
        return "A planned case moves on to Contact when a worker accepts it."
    if status not in (S.ACTIVE, S.PLANNED):
        return f"The stage of a case that is {label(status).lower()} cannot change."
    if status == S.ACTIVE and target not in WORK_STAGES:
        return f"An active case cannot go back to {label(target)}: reassign it instead."
    if stage_index(target) < stage_index(current):
        if visited is not None and target not in set(visited):
            return f"The case never reached {label(target)}, so there is nothing there to amend."
        return None
    if target in STAGE_FORWARD[current]:
        return None
    # After going back to amend, the worker may return to any later stage whose earlier stages are all done.
    done = set(completed)
    if target in WORK_STAGES and all(
        stage in done for stage in STAGE_ORDER[stage_index(current) : stage_index(target)]
    ):
        return None
    return f"A case at {label(current)} can move on to {_join(STAGE_FORWARD[current])}, not {label(target)}."


def restart_problem(current: str, target: str) -> str | None:
    """None if the case may restart from `target` (an earlier or the current work stage), else why not."""
    if target not in WORK_STAGES:
        return f"A case cannot restart from {label(target)}."
    if stage_index(target) > stage_index(current):
        return f"A case at {label(current)} can only restart from {label(current)} or an earlier stage."
    return None


def stage_allowed_for_status(status: str, stage: str) -> bool:
    return stage in STAGES_BY_STATUS[status]
