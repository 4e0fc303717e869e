"""Reads of contacts. The caller has already loaded the case or person through its own visibility check."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import cast

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from casework.accounts.choices import EDITING_ROLES
from casework.accounts.models import Organisation, Team, User
from casework.accounts.selectors import actor_for, organisation_list_with_role
from casework.audit.services import access_record
from casework.cases.choices import OPEN_STATUSES
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.cases.selectors import case_get_for_user, case_list_visible
from casework.contacts.models import ContactEvent, ContactStrategy, Message, OnBehalfAction, WorkerAbsence
from casework.core import clock
from casework.core.export import Section, model_rows
from casework.people.models import Person
from casework.people.selectors import person_get_for_user, person_list_visible
from casework.tasks.models import Task


def contacts_for_case(*, case: Case) -> QuerySet[ContactEvent]:
    return ContactEvent.objects.filter(case=case).select_related("created_by").order_by("-occurred_at", "-id")


PERSON_PAGE_CONTACTS = 20  # the newest shown on the person page; the rest a page at a time


def contacts_for_person(*, user: User, person_id: int) -> QuerySet[ContactEvent]:
    """A person's contacts that the viewer may see, newest first: those on cases they may open, and those on
    the person alone that one of their organisations recorded (a concern taken at another organisation's
    duty desk is that organisation's record, not shared by the person's record being open).

    The caller has loaded the person through person_get_for_user, which wrote the AccessEvent.
    """

    organisations = actor_for(user).casework_organisation_ids
    return (
        ContactEvent.objects.filter(person_id=person_id)
        .filter(
            Q(case__isnull=True, organisation_id__in=organisations)
            | Q(case_id__in=case_list_visible(user=user).values("pk"))
        )
        .select_related("created_by", "case", "addressed_to_user", "addressed_to_team")
        .order_by("-occurred_at", "-id")
    )


def contact_get_for_user(*, user: User, contact_id: int, purpose: str = "viewed") -> ContactEvent:
    """A contact the user may see (as contacts_for_person decides), else Http404.

    Opening it opens its case (or its person), which writes the AccessEvent.
    """

    contact = ContactEvent.objects.filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No contact found")
    if contact.case_id is not None:
        contact.case = case_get_for_user(user=user, case_id=contact.case_id, purpose=purpose)
        return contact

    if contact.organisation_id not in actor_for(user).casework_organisation_ids:
        raise Http404("No contact found")
    # A contact is about a case or else a person.
    contact.person = person_get_for_user(user=user, person_id=cast(int, contact.person_id), purpose=purpose)
    return contact


# The effect key of the task made to check that a contact's advice helped (contacts.services._follow_up_task).
_ADVICE_CHECK_KEY = re.compile(r"contact:(\d+):advice_check")


def advice_check_contact(*, task: Task) -> ContactEvent | None:
    """The contact whose advice a check task is about; None for a check someone added by hand."""
    match = _ADVICE_CHECK_KEY.fullmatch(task.effect_key or "")
    return ContactEvent.objects.filter(pk=int(match[1])).first() if match else None


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
    return _scheduling_log(
        list(
            ContactEvent.objects.filter(case=case, is_scheduling_attempt=True)
            .select_related("created_by")
            .order_by("occurred_at", "id")
        )
    )


def contacts_for_case_page(*, case: Case, limit: int = 50) -> tuple[list[ContactEvent], SchedulingLog]:
    """The case page's contacts (the newest `limit`, newest first, as contacts_for_case) and its scheduling
    log (as scheduling_log), from one query: the newest contacts and every attempt to arrange a visit."""
    newest = ContactEvent.objects.filter(case=case).order_by("-occurred_at", "-id").values("pk")[:limit]
    rows = list(
        ContactEvent.objects.filter(case=case)
        .filter(Q(is_scheduling_attempt=True) | Q(pk__in=newest))
        .select_related("created_by")
        .order_by("-occurred_at", "-id")
    )
    # The newest `limit` of these are the newest of all: any other row is an older attempt.
    return rows[:limit], _scheduling_log([row for row in reversed(rows) if row.is_scheduling_attempt])


def _scheduling_log(attempts: list[ContactEvent]) -> SchedulingLog:
    planned = attempts[-1].next_attempt_at if attempts else None
    if (
        planned is not None
        and planned < clock.now() - datetime.timedelta(days=1)
        and attempts[-1].outcome == "reached"
    ):
        planned = None
    return SchedulingLog(attempts=attempts, next_attempt_at=planned)


def contact_strategy_for(*, case: Case) -> ContactStrategy | None:
    """The initiative's suggested first contact for the case's risk category, if it has one."""
    if not case.risk_category_id:
        return None
    return ContactStrategy.objects.filter(
        initiative_id=case.initiative_id, risk_category_id=case.risk_category_id
    ).first()


def messages_for(*, user: User, limit: int = 100) -> list[Message]:
    """The user's messages, unread first then newest, with the case and sender."""

    return list(
        Message.objects.filter(to_user_id=user.pk)
        .select_related("from_user", "case", "person")
        .order_by("read_at", "-sent_at")[:limit]
    )


def messages_get_for_user(*, user: User, purpose: str = "viewed", limit: int = 100) -> list[Message]:
    """messages_for, recorded as a view of the people the messages are about: one AccessEvent
    "contacts.messages_<purpose>" naming each message, person and case."""

    inbox = messages_for(user=user, limit=limit)
    access_record(
        user=user,
        verb=f"contacts.messages_{purpose}",
        details={
            "messages": [m.pk for m in inbox],
            "people": sorted({m.person_id for m in inbox if m.person_id}),
            "cases": sorted({m.case_id for m in inbox if m.case_id}),
        },
    )
    return inbox


def absences_upcoming(*, user: User, days: int = 60, limit: int = 100) -> QuerySet[WorkerAbsence]:
    """Absences of people in the user's organisations that have not ended and start within `days`."""

    today = clock.today()
    # Only people still working there: a membership that has ended no longer makes them a colleague.
    return (
        WorkerAbsence.objects.filter(
            user__memberships__organisation_id__in=actor_for(user).organisation_ids,
            user__memberships__is_active=True,
            user__is_active=True,
            end_date__gte=today,
            start_date__lte=today + datetime.timedelta(days=days),
        )
        .select_related("user")
        .distinct()
        .order_by("start_date", "id")[:limit]
    )


def unread_message_count(*, user: User, case: Case | None = None) -> int:
    """How many of the user's messages are unread: all of them, or those about one case."""

    qs = Message.objects.filter(to_user_id=user.pk, read_at__isnull=True)
    return (qs.filter(case_id=case.pk) if case is not None else qs).count()


def unread_message_count_expression(*, user: User) -> Coalesce:
    """unread_message_count for one case as an expression on its row, to read with the case (`also` of
    case_get_for_page)."""

    unread = (
        Message.objects.filter(to_user_id=user.pk, read_at__isnull=True, case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def actions_on_behalf_for_case(*, case: Case) -> QuerySet[OnBehalfAction]:
    """What others did for the allocated worker on this case, newest first, with who did it and for whom."""

    return OnBehalfAction.objects.filter(case=case).select_related("created_by", "for_worker")


def _duty_addressee_querysets(user: User) -> tuple[QuerySet[User], QuerySet[Team]]:
    organisations = actor_for(user).casework_organisation_ids
    users = User.objects.filter(
        is_active=True,
        memberships__organisation_id__in=organisations,
        memberships__is_active=True,
        memberships__role__in=[str(r) for r in EDITING_ROLES],
    ).distinct()
    return users, Team.objects.filter(organisation_id__in=organisations)


def duty_addressees(*, user: User) -> tuple[list[User], list[Team]]:
    """The workers and teams of the user's organisations that a caller may ask for or a letter be addressed
    to."""
    users, teams = _duty_addressee_querysets(user)
    return list(users.order_by("first_name", "last_name", "id")), list(teams.order_by("name", "id"))


def duty_addressee_get(
    *, user: User, worker_id: int | None = None, team_id: int | None = None
) -> tuple[User | None, Team | None]:
    """(worker, team) by id, each only if duty_addressees offers it; None for an id not given or not offered
    (so that nobody learns the name of a worker or team outside their organisations)."""
    users, teams = _duty_addressee_querysets(user)
    worker = users.filter(pk=worker_id).first() if worker_id is not None else None
    team = teams.filter(pk=team_id).first() if team_id is not None else None
    return worker, team


# Queryset twins of the policies.


def case_list_contact_recordable(*, user: User) -> QuerySet[Case]:
    """Open cases held by an organisation in which the user changes records (twin of
    contacts.record_contact_case)."""

    editing = actor_for(user).editing_organisation_ids
    if not editing:
        return Case.objects.none()
    return Case.objects.filter(holder_q(editing), status__in=OPEN_STATUSES)


def person_list_contact_recordable(*, user: User) -> QuerySet[Person]:
    """People whose record the user may open, for a user who changes records somewhere (twin of
    contacts.record_contact_person)."""

    if not actor_for(user).editing_organisation_ids:
        return Person.objects.none()
    return person_list_visible(user=user)


def duty_desk_organisations_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations at whose duty desk the user takes contacts (twin of contacts.use_duty_desk)."""
    return organisation_list_with_role(user=user, roles=EDITING_ROLES)


def contacts_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        (
            "contacts",
            model_rows(ContactEvent.objects.filter(Q(person_id=person_id) | Q(case__person_id=person_id))),
        ),
        (
            "messages",
            model_rows(Message.objects.filter(Q(person_id=person_id) | Q(case__person_id=person_id))),
        ),
        ("on_behalf_actions", model_rows(OnBehalfAction.objects.filter(case__person_id=person_id))),
    ]
