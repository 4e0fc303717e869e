"""Reads of consent and lawful-basis records, scoped to the user (the queryset twins of policies.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypedDict

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from casework.accounts.models import User
from casework.accounts.selectors import actor_for
from casework.audit.services import access_record
from casework.cases.models import Case
from casework.cases.policies import holder_q
from casework.cases.selectors import case_list_visible
from casework.consent import rules
from casework.consent.choices import BasisState
from casework.consent.models import ConsentRecord
from casework.core import clock
from casework.core.export import Section, model_rows
from casework.core.permissions import has_perm


def consent_list_visible(*, user: User) -> QuerySet[ConsentRecord]:
    """Records the user may read (twin of policies.can_view_consent)."""
    return ConsentRecord.objects.filter(case__in=case_list_visible(user=user))


def consent_list_withdrawable(*, user: User) -> QuerySet[ConsentRecord]:
    """Records the user may withdraw (twin of policies.can_withdraw_consent)."""
    actor = actor_for(user)
    if not actor.editing_organisation_ids:
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(
        holder_q(actor.editing_organisation_ids, prefix="case__"),
        case__initiative_id__in=actor.initiative_ids,
    )


def consent_list_for_case(*, user: User, case: Case) -> QuerySet[ConsentRecord]:
    """The case's records, newest first, with the organisations they cover; none unless the user may
    open it."""
    if not has_perm(user, "cases.view_case", case):
        return ConsentRecord.objects.none()
    return (
        ConsentRecord.objects.filter(case=case)
        .select_related("withdrawal_recorded_by", "created_by")
        .prefetch_related("organisations")
        .order_by("-given_on", "-id")
    )


def consent_get_for_user(*, user: User, record_id: int, purpose: str = "viewed") -> ConsentRecord:
    """A record the user may read, else Http404. Writes an AccessEvent "consent.record_<purpose>"."""
    record = (
        consent_list_visible(user=user)
        .select_related(
            "case__person", "case__household", "organisation", "created_by", "withdrawal_recorded_by"
        )
        .prefetch_related("organisations")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise Http404("No consent record found")
    access_record(
        user=user,
        verb=f"consent.record_{purpose}",
        obj=record,
        case_id=record.case_id,
        person_id=record.case.person_id,
    )
    return record


def consent_bases_covering(
    *, case: Case, organisation_id: int, categories: Iterable[str], day: datetime.date | None = None
) -> list[ConsentRecord]:
    """The case's records that are live on the day (today by default) and cover the organisation and every one
    of the categories, newest first. No visibility check: for services that have checked their own."""
    day = day or clock.today()
    records = (
        ConsentRecord.objects.filter(case=case, organisations__id=organisation_id)
        .prefetch_related("organisations")
        .order_by("-given_on", "-id")
        .distinct()
    )
    return [
        r
        for r in records
        if rules.covers(r.terms(), day=day, organisation_id=organisation_id, categories=categories)
    ]


class ConsentState(TypedDict):
    state: str
    label: str
    colour: str
    ended_on: datetime.date | None


def consent_state(*, record: ConsentRecord, day: datetime.date | None = None) -> ConsentState:
    """Where the record stands on the day (today by default), for a tag.

    {"state", "label", "colour", "ended_on"}.
    """

    terms = record.terms()
    state = rules.state_on(terms, day or clock.today())
    end = rules.ended(terms)
    colour = {"live": "green", "not_yet": "grey", "expired": "grey", "withdrawn": "red"}[state]
    return {
        "state": state,
        "label": BasisState(state).label,
        "colour": colour,
        "ended_on": end[1] if end else None,
    }


def case_has_consents_expression() -> Exists:
    """Whether a case has any consent record or lawful basis, as an expression on its row (read with the case
    by its page)."""
    return Exists(ConsentRecord.objects.filter(case_id=OuterRef("pk")))


def consents_subject_access_sections(*, person_id: int) -> list[Section]:
    """Everything this app holds about the person, section by section, for a subject access bundle.

    Reads across organisations by design (the request is the person's, not one organisation's); the caller
    checks subjectaccess.handle_request and audits the export."""

    return [
        (
            "consents",
            model_rows(ConsentRecord.objects.filter(Q(person_id=person_id) | Q(case__person_id=person_id))),
        )
    ]
