"""Reads of contacts. The caller has already loaded the case or person through its own visibility check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from casework.cases.models import Case
from casework.contacts.models import ContactEvent, ContactStrategy
from casework.core import clock


def contacts_for_case(*, case: Case) -> QuerySet[ContactEvent]:
    return ContactEvent.objects.filter(case=case).select_related("created_by").order_by("-occurred_at", "-id")


def contacts_for_person(*, person_id: int, case_ids) -> QuerySet[ContactEvent]:
    """A person's contacts without a case, and on the cases the viewer may see (given as ids or a queryset)."""
    from django.db.models import Q

    return (ContactEvent.objects.filter(person_id=person_id)
            .filter(Q(case__isnull=True) | Q(case_id__in=case_ids))
            .select_related("created_by", "case").order_by("-occurred_at", "-id"))


@dataclass(frozen=True)
class SchedulingLog:
    attempts: list[ContactEvent]
    next_attempt_at: datetime.datetime | None

    @property
    def count(self) -> int:
        return len(self.attempts)

    @property
    def reached(self) -> bool:
        return any(a.outcome == "reached" for a in self.attempts)


def scheduling_log(*, case: Case) -> SchedulingLog:
    """The attempts to reach the person to arrange a visit, oldest first, and the next planned attempt."""
    attempts = list(ContactEvent.objects.filter(case=case, is_scheduling_attempt=True)
                    .select_related("created_by").order_by("occurred_at", "id"))
    planned = attempts[-1].next_attempt_at if attempts else None
    if planned is not None and planned < clock.now() - datetime.timedelta(days=1) and attempts[-1].outcome == "reached":
        planned = None
    return SchedulingLog(attempts=attempts, next_attempt_at=planned)


def contact_strategy_for(*, case: Case) -> ContactStrategy | None:
    """The initiative's suggested first contact for the case's risk category, if it has one."""
    if not case.risk_category_id:
        return None
    return ContactStrategy.objects.filter(initiative_id=case.initiative_id,
                                          risk_category_id=case.risk_category_id).first()


def messages_for(*, user, limit: int = 100):
    """The user's messages, unread first then newest, with the case and sender."""
    from casework.contacts.models import Message

    return list(Message.objects.filter(to_user_id=user.pk).select_related("from_user", "case", "person")
                .order_by("read_at", "-sent_at")[:limit])


def unread_message_count(*, user, case: Case | None = None) -> int:
    """How many of the user's messages are unread: all of them, or those about one case."""
    from casework.contacts.models import Message

    qs = Message.objects.filter(to_user_id=user.pk, read_at__isnull=True)
    return (qs.filter(case_id=case.pk) if case is not None else qs).count()


def actions_on_behalf_for_case(*, case: Case) -> QuerySet:
    """What others did for the allocated worker on this case, newest first, with who did it and for whom."""
    from casework.contacts.models import OnBehalfAction

    return OnBehalfAction.objects.filter(case=case).select_related("created_by", "for_worker")
