"""Which records are due under which class, as querysets: the database finds them, nothing is loaded to be
sorted in Python. Held records (a legal hold not lifted) and records appraised to be kept, or extended to a
later review, are never due."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.utils import timezone

from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.contacts.models import ContactEvent
from casework.people.models import Person
from casework.retention.choices import Action, Covers, Decision, PeriodUnit, RecordKind
from casework.retention.models import Appraisal, LegalHold, RecordClass


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day `months` later (or earlier), or that month's last day when it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_months(record_class: RecordClass) -> int:
    return record_class.period * (12 if record_class.period_unit == PeriodUnit.YEARS else 1)


def due_on(record_class: RecordClass, trigger_on: datetime.date) -> datetime.date:
    """The day the class's period runs out for a record whose trigger fell on `trigger_on`."""
    return add_months(trigger_on, period_months(record_class))


def latest_trigger(record_class: RecordClass, as_of: datetime.date) -> datetime.date:
    """The last trigger day whose period has run out by `as_of`."""
    latest = add_months(as_of, -period_months(record_class))
    # A trigger on the 31st counted to a shorter month runs out on its last day: include those days too.
    while due_on(record_class, latest + datetime.timedelta(days=1)) <= as_of:
        latest += datetime.timedelta(days=1)
    return latest


def _start_of_day_after(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


def held_q(kind: str, field: str = "pk") -> Exists:
    return Exists(LegalHold.objects.filter(kind=kind, object_id=OuterRef(field), lifted_at__isnull=True))


def case_held_q() -> Q:
    """A case is held when it is, or its person is."""
    return Q(held_q(RecordKind.CASE)) | Q(held_q(RecordKind.PERSON, "person_id"))


def _deferred_q(kind: str, as_of: datetime.date) -> Exists:
    """Appraised to be kept, or extended to a review not yet come."""
    return Exists(
        Appraisal.objects.filter(kind=kind, object_id=OuterRef("pk")).filter(
            Q(decision=Decision.KEEP) | Q(decision=Decision.EXTEND, review_on__gt=as_of)
        )
    )


@dataclass(frozen=True)
class ClassQuery:
    """The records a class finds due: their queryset, annotated `trigger_on` (a date), and their kind."""

    record_class: RecordClass
    kind: str
    due: QuerySet[Any]  # rows due and not held
    held: QuerySet[Any]  # rows due but held (counted, never listed)


def _people_advice_only(organisation_id: int, latest: datetime.date) -> QuerySet[Person]:
    last_contact = Subquery(
        ContactEvent.objects.filter(person_id=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1],
        output_field=DateTimeField(),
    )
    return (
        Person.objects.filter(created_by_organisation_id=organisation_id)
        .filter(~Exists(Case.objects.filter(person_id=OuterRef("pk"))))
        .annotate(last_contact_at=last_contact)
        .filter(last_contact_at__lt=_start_of_day_after(latest))
        .annotate(trigger_on=Cast("last_contact_at", DateField()))
    )


def _cases_held_by(organisation_id: int) -> QuerySet[Case]:
    return Case.objects.filter(holder_q([organisation_id]), closed_at__isnull=False)


def _cases_closed(organisation_id: int, latest: datetime.date) -> QuerySet[Case]:
    return (
        _cases_held_by(organisation_id)
        .filter(Q(person__isnull=True) | Q(person__date_of_death__isnull=True))
        .filter(closed_at__lt=_start_of_day_after(latest))
        .annotate(trigger_on=Cast("closed_at", DateField()))
    )


def _cases_of_the_dead(organisation_id: int, latest: datetime.date) -> QuerySet[Case]:
    return (
        _cases_held_by(organisation_id)
        .filter(person__date_of_death__lte=latest)
        .annotate(trigger_on=F("person__date_of_death"))
    )


def class_query(record_class: RecordClass, *, organisation_id: int, as_of: datetime.date) -> ClassQuery:
    """The records of the organisation due under the class by `as_of` (none for a class kept permanently,
    and none yet for direct payments: casework records no direct payment's end)."""
    latest = latest_trigger(record_class, as_of)
    rows: QuerySet[Any]
    if record_class.covers == Covers.ADVICE_ONLY:
        kind, rows = RecordKind.PERSON, _people_advice_only(organisation_id, latest)
        held = Q(held_q(RecordKind.PERSON))
    elif record_class.covers == Covers.CLOSED_CASE:
        kind, rows, held = RecordKind.CASE, _cases_closed(organisation_id, latest), case_held_q()
    elif record_class.covers == Covers.DECEASED:
        kind, rows, held = RecordKind.CASE, _cases_of_the_dead(organisation_id, latest), case_held_q()
    else:
        kind, held = RecordKind.CASE, case_held_q()
        rows = Case.objects.none().annotate(trigger_on=Cast("closed_at", DateField()))
    if record_class.action == Action.KEEP:
        rows = rows.none()
    rows = rows.exclude(_deferred_q(kind, as_of))
    return ClassQuery(record_class=record_class, kind=kind, due=rows.exclude(held), held=rows.filter(held))


def effective_classes(*, organisation_id: int) -> list[RecordClass]:
    """The organisation's schedule: its own class for each coverage, else the default."""
    classes = RecordClass.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True)
    ).order_by("covers", "organisation_id")
    chosen: dict[str, RecordClass] = {}
    for record_class in classes:
        if record_class.organisation_id is not None or record_class.covers not in chosen:
            chosen[record_class.covers] = record_class
    return [chosen[covers] for covers in Covers.values if covers in chosen]


def schedule_queries(*, organisation_id: int, as_of: datetime.date) -> list[ClassQuery]:
    return [
        class_query(c, organisation_id=organisation_id, as_of=as_of)
        for c in effective_classes(organisation_id=organisation_id)
    ]


def record_due_under(
    *, kind: str, object_id: int, organisation_id: int, as_of: datetime.date
) -> RecordClass | None:
    """The class under which the record is due and not held now, or None: asked again before disposal."""
    for query in schedule_queries(organisation_id=organisation_id, as_of=as_of):
        if query.kind == kind and query.due.filter(pk=object_id).exists():
            return query.record_class
    return None


def record_is_held(*, kind: str, object_id: int) -> bool:
    if kind == RecordKind.PERSON:
        return Person.objects.filter(pk=object_id).filter(held_q(RecordKind.PERSON)).exists() or (
            Case.objects.filter(person_id=object_id).filter(held_q(RecordKind.CASE)).exists()
        )
    return Case.objects.filter(pk=object_id).filter(case_held_q()).exists()
