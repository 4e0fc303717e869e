"""The demo's waiting lists: the county's cases waiting for a worker are triaged on receipt, some long enough
ago to be overdue (and escalated), one reprioritised after a call. Built through the services."""

from __future__ import annotations

import datetime
import random

from casework.accounts.models import Organisation, User
from casework.cases.choices import CaseStage, CaseStatus
from casework.cases.models import Case
from casework.core import clock
from casework.waiting_list import services
from casework.waiting_list.escalation import escalation_sweep

REASONS = {
    "red": [
        "Lives alone and fell last week",
        "Carer in hospital, nobody else to help",
        "No heating and unwell",
    ],
    "amber": [
        "Managing with help from a neighbour for now",
        "Family visiting daily but tiring",
        "Struggling with stairs; has a downstairs toilet",
    ],
    "green": [
        "Managing; would like advice about equipment",
        "Wants a benefits check",
        "Stable, family nearby",
    ],
}


def build_waiting_lists(*, organisation: Organisation, rng: random.Random) -> int:
    """Put the organisation's cases awaiting allocation on the assessment list when each arrived (over the
    past weeks, so some are overdue)."""

    duty = User.objects.get(username="duty")
    manager = User.objects.get(username="manager")
    waiting = list(
        Case.objects.filter(
            responsible_organisation=organisation,
            status=CaseStatus.PLANNED,
            stage=CaseStage.AWAITING_ALLOCATION,
        ).order_by("pk")
    )
    now, today = clock.now(), clock.today()
    made, reprioritised = 0, False
    for n, case in enumerate(waiting):
        rag = rng.choices(["red", "amber", "green"], [2, 5, 3])[0]
        priority = {"red": "urgent", "amber": "normal", "green": rng.choice(["normal", "low"])}[rag]
        # Triaged within hours of arriving with the county (never before it did, nor after now).
        arrived = case.stage_progress.get(
            stage=CaseStage.AWAITING_ALLOCATION, reset_at__isnull=True
        ).started_at
        at = min(arrived + datetime.timedelta(hours=rng.uniform(0.5, 6)), now)
        with clock.frozen_at(at):
            entry = services.waiting_list_add(
                user=duty,
                case=case,
                list_kind="assessment",
                priority=priority,
                rag=rag,
                rag_reason=rng.choice(REASONS[rag]),
                crisis=rag == "red" and n % 4 == 0,
                can_report_changes=rng.random() > 0.2,
            )
        made += 1
        if not reprioritised and rag != "red":  # the first one not already the most urgent
            reprioritised = True
            case.refresh_from_db()
            services.waiting_list_reprioritise(
                user=manager,
                entry=entry,
                version=entry.version,
                priority="urgent",
                rag="red",
                trigger="call",
                reason="Daughter called: her mother has stopped eating since the fall",
            )
    escalation_sweep(today=today)
    return made
