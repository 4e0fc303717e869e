"""The case header (an MOJ identity bar) on every section of a case: who and what the case is, its flags, who
holds it, and the case's actions, each offered under its permission."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from casework.cases import lifecycle, selectors
from casework.cases.choices import CaseStage, CaseStatus
from casework.cases.models import Case
from casework.core.permissions import has_perm

# The status actions: the page each one has, and what it says.
STATUS_PAGES: dict[str, dict[str, str]] = {
    CaseStatus.ON_HOLD: {
        "action": "Put on hold",
        "heading": "Put the case on hold",
        "submit": "Put the case on hold",
        "reason_label": "Why is the case on hold?",
        "reason_hint": "For example, the person is in hospital. The case shows as dormant on your list.",
        "success": "The case is on hold.",
    },
    CaseStatus.ACTIVE: {
        "action": "Resume",
        "heading": "Resume the case",
        "submit": "Resume the case",
        "reason_label": "Note (optional)",
        "reason_hint": "",
        "success": "The case is active again.",
    },
    CaseStatus.CANCELLED: {
        "action": "Cancel the case",
        "heading": "Cancel the case",
        "submit": "Cancel the case",
        "reason_label": "Why is the case being cancelled?",
        "reason_hint": "",
        "warning": "A cancelled case cannot be reopened. If more work is needed later, raise a new case.",
        "button_class": "govuk-button--warning",
        "success": "The case is cancelled.",
    },
}


def status_actions(case: Case) -> list[dict[str, object]]:
    """The status changes the lifecycle allows from here, for a user who may work the case."""
    actions = []
    for status, page in STATUS_PAGES.items():
        if lifecycle.status_move_problem(case.status, status):
            continue
        if status == CaseStatus.ACTIVE and case.status == CaseStatus.PLANNED:
            continue  # a planned case becomes active when a worker accepts it
        # Resuming needs no reason, so it is one button; the others ask for a reason on their own page.
        actions.append(
            {
                "status": status,
                "label": page["action"],
                "inline": status == CaseStatus.ACTIVE,
                "url": reverse("cases:case_change_status", args=[case.pk, status]),
            }
        )
    if case.status == CaseStatus.ACTIVE:
        actions.insert(
            0,
            {
                "status": CaseStatus.FINISHED,
                "label": "Close the case",
                "inline": False,
                "url": reverse("cases:case_close", args=[case.pk]),
            },
        )
    return actions


def header_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """What the header shows. Reads the case's workers (one query, which also tells the policies the user's
    roles on the case); the flags come with the case (the header's values, cases/workspace.py)."""
    user = request.user
    current_workers, past_workers = selectors.case_workers(case=case)
    can_work = has_perm(user, "cases.work_case", case)
    can_assign = has_perm(user, "allocation.assign_case", case)
    person = case.person if case.person_id else None
    header = {
        "current_workers": current_workers,
        "past_workers": past_workers,
        "other_workers": [a for a in current_workers if a.user_id != case.primary_worker_id],
        "can_work": can_work,
        "can_accept": has_perm(user, "allocation.accept_case", case),
        "can_allocate": has_perm(user, "allocation.allocate_case", case),
        "can_assign": can_assign
        and case.primary_worker_id is None
        and case.stage == CaseStage.AWAITING_ALLOCATION,
        "can_reassign": can_assign and case.primary_worker_id is not None,
        "can_transfer": has_perm(user, "allocation.transfer_case", case),
        "status_actions": status_actions(case) if can_work else [],
        "unread_messages": getattr(case, "unread_messages", 0),
        "safeguarding_flag": bool(getattr(case, "safeguarding_flag", False)),
        "restricted": bool(person and person.is_restricted),
        "break_glass": bool(getattr(case, "break_glass_active", False)),
        "next_step": lifecycle.NEXT_STEP[case.stage],
    }
    header["has_actions"] = any(
        header[key] for key in ("can_accept", "can_allocate", "can_assign", "can_reassign", "can_transfer")
    ) or bool(header["status_actions"])
    return header
